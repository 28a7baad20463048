//! Every module of the platform, in one list: the application serves their routes, the demo
//! loads their data in this order, a server starts their services and runs their jobs. Adding a
//! module is its folder and one line here (CONTRIBUTING.md, "Adding a module").

use crate::platform::module::Module;

pub static ALL: &[Module] = &[
    crate::accounts::MODULE,
    crate::regions::MODULE,
    crate::directory::MODULE,
    crate::registration::MODULE,
    crate::charity::MODULE,
    crate::supervision::MODULE,
    crate::credit::MODULE,
    crate::evaluation::MODULE,
    crate::donations::MODULE,
    crate::transparency::MODULE,
    crate::calendar::MODULE,
    crate::rule_parameters::MODULE,
    crate::standard_codes::MODULE,
    crate::admin::MODULE,
    crate::platform::notifications::MODULE,
    crate::app::SYSTEM,
];
