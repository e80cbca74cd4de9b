"""Operations: GET /healthz and /metrics (server.py), what they check and count (health.py,
metrics.py), and JSON log lines (json_logs.py). README, "Operations: health, metrics, logs"."""
