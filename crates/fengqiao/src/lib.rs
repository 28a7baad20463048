//! Fengqiao (枫桥): the platform through which Zhejiang's civil-affairs departments, social
//! organizations, volunteers, donors and residents carry out the 2018 policy on social
//! organizations in social governance. See `CONTRIBUTING.md` for the layout.

/// mimalloc for every binary built on this library (the server, its benchmarks and tests):
/// a request allocates and frees dozens of small buffers on whichever core runs it, and
/// glibc's allocator spent a tenth of the donation path in `malloc`/`free` and consolidating
/// its arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod accounts;
pub mod admin;
pub mod app;
pub mod backup;
pub mod bootstrap;
pub mod calendar;
pub mod charity;
pub mod credit;
pub mod demo;
pub mod directory;
pub mod docs;
pub mod donations;
pub mod evaluation;
pub mod modules;
pub mod platform;
pub mod regions;
pub mod registration;
pub mod rule_parameters;
pub mod standard_codes;
pub mod supervision;
pub mod testkit;
pub mod transparency;
