//! Standard codes.
