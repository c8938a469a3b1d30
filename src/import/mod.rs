//! Importers: file formats to model, with row-level reports. Not built yet.
