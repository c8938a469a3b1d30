//! The HTTP API (the only axum user). Not built yet.
