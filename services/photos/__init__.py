"""Photo tools for every feature that takes or re-sends photos (graffiti walls, screenshots).

pixel_limit: refuse an image over the pixel limit before decoding it; metadata: re-encode a
photo from its pixels alone (no EXIF, no GPS); hashing: perceptual hashes; disk_copies: the
optional originals on disk. Nothing here knows about reports or walls.
"""
