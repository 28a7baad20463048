//! The set-based question of the credit module: which registered organizations did not submit
//! their report on a year by its deadline (DOMAIN.md §0 rule 14, §4; rule 15's first trigger).

use chrono::NaiveDate;
use uuid::Uuid;

use crate::platform::AppResult;
use crate::platform::db::Db;
use crate::with_db;

/// One query for one year: every organization with status `registered`, registered on or
/// before `year_end`, of a type in `deadlines` (org type → that year's deadline), whose deadline
/// is before `today`, and with no version of its report on `year` submitted on or before the
/// deadline (the first submission counts: a later version never makes an early one late, and
/// a late first submission stays late). Filed community organizations (status `filed`) are
/// never asked. Returns (organization, its org type).
pub async fn not_submitted_by(
    db: &Db,
    year: i32,
    year_end: NaiveDate,
    today: NaiveDate,
    deadlines: &[(&str, NaiveDate)],
) -> AppResult<Vec<(Uuid, String)>> {
    // Up to four reporting types; a missing one is bound to a type that matches nothing.
    let at = |i: usize| deadlines.get(i).map_or(("", today), |(t, d)| (*t, *d));
    let (t1, d1) = at(0);
    let (t2, d2) = at(1);
    let (t3, d3) = at(2);
    let (t4, d4) = at(3);
    Ok(with_db!(db, pool => sqlx::query_as::<_, (Uuid, String)>(
        "SELECT o.id, o.org_type FROM ( \
            SELECT id, org_type, CASE org_type WHEN $4 THEN $5 WHEN $6 THEN $7 WHEN $8 THEN $9 WHEN $10 THEN $11 END AS deadline \
            FROM organizations \
            WHERE status = 'registered' AND registered_on IS NOT NULL AND registered_on <= $2 AND org_type IN ($4, $6, $8, $10) \
         ) o \
         WHERE o.deadline < $3 \
           AND NOT EXISTS (SELECT 1 FROM annual_reports r WHERE r.organization_id = o.id AND r.year = $1 \
                           AND r.submitted_on IS NOT NULL AND r.submitted_on <= o.deadline) \
         ORDER BY o.id")
        .bind(year).bind(year_end).bind(today)
        .bind(t1).bind(d1).bind(t2).bind(d2).bind(t3).bind(d3).bind(t4).bind(d4)
        .fetch_all(pool).await?))
}
