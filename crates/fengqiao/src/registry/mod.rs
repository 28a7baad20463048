//! registry (placeholder: built by its own issue).

use crate::platform::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
}
