//! Fengqiao (枫桥): the platform through which Zhejiang's civil-affairs departments, social
//! organizations, volunteers, donors and residents carry out the 2018 policy on social
//! organizations in social governance. See `CONTRIBUTING.md` for the layout.

pub mod accounts;
pub mod admin;
pub mod app;
pub mod bootstrap;
pub mod calendar;
pub mod charity;
pub mod demo;
pub mod docs;
pub mod donations;
pub mod platform;
pub mod regions;
pub mod register;
pub mod registry;
pub mod standard_codes;
pub mod testkit;
pub mod transparency;
