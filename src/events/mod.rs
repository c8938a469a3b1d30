//! Purchasing events: registration of buyers and suppliers, wishes, the meeting schedule and
//! its on-site changes, agendas and exports.
//!
//! `model` holds the stored types, `agenda` renders agendas (JSON value, HTML, ICS, CSV),
//! `service` runs the operations against the store and the scheduler.

pub mod agenda;
pub mod model;
pub mod service;
