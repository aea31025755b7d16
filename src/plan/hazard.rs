//! Hazard classification: which changes lose data, rewrite tables or risk failing casts.
