//! The USCC check: what a code says, or which character is wrong.

use reqwest::StatusCode;

use crate::{TestApp, each_backend};

#[tokio::test]
async fn a_valid_code_is_read_part_by_part_and_a_wrong_one_names_its_position() {
    each_backend(|app: TestApp| async move {
        let (s, v) = app
            .get_as(None, "/api/v1/codes/uscc/51330106MJ0A000178")
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(v["valid"], true);
        assert_eq!(v["parts"]["authority"]["zh"], "民政");
        assert_eq!(v["parts"]["org_type"]["zh"], "社会团体");
        assert_eq!(v["parts"]["region"]["value"], "330106");
        assert_eq!(v["parts"]["region"]["zh"], "西湖区");
        // DOMAIN.md: a published code with a typo; the check character should be K.
        let (_, v) = app
            .get_as(None, "/api/v1/codes/uscc/53100000500020462H")
            .await;
        assert_eq!(v["valid"], false);
        assert_eq!(v["fault"]["position"], 18);
        assert!(v["fault"]["message_zh"].as_str().unwrap().contains('K'));
        // A forbidden letter (O is never used) is reported at its position.
        let (_, v) = app
            .get_as(None, "/api/v1/codes/uscc/51330106MJ0O000178")
            .await;
        assert_eq!(v["valid"], false);
        assert_eq!(v["fault"]["position"], 12, "{v}");
        let (_, v) = app.get_as(None, "/api/v1/codes/uscc/5133").await;
        assert_eq!(v["valid"], false);
        app
    })
    .await;
}
