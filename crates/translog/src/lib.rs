//! Transparency log.
