//! The payment-provider interface (支付渠道) and the test provider.
//!
//! A provider is asked to charge once per idempotency key: the key is passed on, as real
//! providers accept it, so two concurrent requests with one key never charge twice and the
//! database's unique key on `donations.idempotency_key` decides which row stands.

use std::future::Future;
use std::pin::Pin;

use sha2::{Digest, Sha256};

use crate::platform::error::Bilingual;

/// What to charge.
#[derive(Debug, Clone)]
pub struct ChargeRequest {
    pub idempotency_key: String,
    pub amount_fen: i64,
    /// The payment method the donor chose, as the provider names it.
    pub method: String,
}

/// What the provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// The money is received (到账).
    Confirmed { reference: String },
    /// Accepted; the provider will notify the confirmation or failure later.
    Pending { reference: String },
    /// Declined; nothing is received.
    Failed {
        reference: String,
        reason: Bilingual,
    },
}

/// A provider's later notice about a pending payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Settlement {
    Confirmed,
    Failed,
}

pub type ChargeFuture<'a> =
    Pin<Box<dyn Future<Output = anyhow::Result<PaymentOutcome>> + Send + 'a>>;

/// A payment provider. Implementations must be idempotent per `idempotency_key`.
pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// The name stored with each payment (`donations.provider`).
    fn name(&self) -> &'static str;
    /// The payment methods offered to donors.
    fn methods(&self) -> &'static [&'static str];
    fn charge<'a>(&'a self, req: &'a ChargeRequest) -> ChargeFuture<'a>;
}

/// The simulated provider of the demo and the tests. The method decides the outcome:
/// `test_confirm` confirms at once, `test_fail` declines, `test_late` confirms later (the test
/// notifies through `POST /api/v1/payments/test/notifications`). Its reference is derived from
/// the idempotency key, so it is idempotent without keeping state.
#[derive(Debug, Default, Clone, Copy)]
pub struct TestProvider;

pub const TEST_CONFIRM: &str = "test_confirm";
pub const TEST_FAIL: &str = "test_fail";
pub const TEST_LATE: &str = "test_late";

impl TestProvider {
    pub fn reference(idempotency_key: &str) -> String {
        let d = Sha256::digest(idempotency_key.as_bytes());
        format!("T{}", &hex::encode(d)[..24])
    }
}

impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn methods(&self) -> &'static [&'static str] {
        &[TEST_CONFIRM, TEST_LATE, TEST_FAIL]
    }

    fn charge<'a>(&'a self, req: &'a ChargeRequest) -> ChargeFuture<'a> {
        Box::pin(async move {
            let reference = TestProvider::reference(&req.idempotency_key);
            Ok(match req.method.as_str() {
                TEST_CONFIRM => PaymentOutcome::Confirmed { reference },
                TEST_LATE => PaymentOutcome::Pending { reference },
                _ => PaymentOutcome::Failed {
                    reference,
                    reason: Bilingual::new(
                        "测试渠道：支付被拒绝",
                        "Test provider: payment declined",
                    ),
                },
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_test_provider_is_idempotent_and_its_method_decides() {
        let p = TestProvider;
        let req = |key: &str, method: &str| ChargeRequest {
            idempotency_key: key.into(),
            amount_fen: 100,
            method: method.into(),
        };
        let a = p.charge(&req("k1", TEST_CONFIRM)).await.unwrap();
        assert_eq!(a, p.charge(&req("k1", TEST_CONFIRM)).await.unwrap());
        assert!(matches!(a, PaymentOutcome::Confirmed { .. }));
        assert_ne!(a, p.charge(&req("k2", TEST_CONFIRM)).await.unwrap());
        assert!(matches!(
            p.charge(&req("k3", TEST_LATE)).await.unwrap(),
            PaymentOutcome::Pending { .. }
        ));
        assert!(matches!(
            p.charge(&req("k4", TEST_FAIL)).await.unwrap(),
            PaymentOutcome::Failed { .. }
        ));
    }
}
