"""Self-contained pyvis HTML views of a built graph."""
