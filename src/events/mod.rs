//! Purchasing events: registration of buyers and suppliers, wishes, the meeting schedule and
//! its on-site changes, agendas and exports.
//!
//! `model` holds the stored types, `planner` turns an event into a scheduling instance and
//! back (runs, re-optimisation, refills, meeting edits; pure), `agenda` renders agendas
//! (JSON value, HTML, ICS, CSV), `service` runs the operations against the store, the
//! matching engine and the planner, with an audit entry for every change.

pub mod agenda;
pub mod model;
pub mod planner;
pub mod service;
