//! The web pages (French UI). Not built yet.
