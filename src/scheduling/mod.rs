//! Meeting scheduling for purchasing events: a pure, deterministic solver. Not built yet.
