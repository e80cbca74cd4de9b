"""The weekly digest: numbers (counts), the chart, and exactly-once delivery bookkeeping."""
