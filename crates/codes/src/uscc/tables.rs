//! GB 32100-2015 code tables for USCC positions 1 (登记管理部门代码) and 2 (机构类别代码).
//!
//! DOMAIN.md §1.1 gives the tables for authorities `1`, `5`, `9` and `Y`; the remaining
//! authorities' tables are the standard's appendix as reproduced consistently by public
//! validators (not read in the standard itself here).

use serde::{Deserialize, Serialize};

/// USCC position 1: 登记管理部门代码 (registration authority).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RegistrationAuthority {
    /// `1` 机构编制
    Staffing,
    /// `2` 外交
    ForeignAffairs,
    /// `3` 司法行政
    JudicialAdministration,
    /// `4` 文化
    Culture,
    /// `5` 民政 — civil affairs, the platform's own registrations.
    CivilAffairs,
    /// `6` 旅游
    Tourism,
    /// `7` 宗教
    Religion,
    /// `8` 工会
    TradeUnion,
    /// `9` 工商 / 市场监管
    MarketRegulation,
    /// `A` 中央军委改革和编制办公室
    MilitaryStaffing,
    /// `N` 农业
    Agriculture,
    /// `Y` 其他
    Other,
}

/// (authority, position-1 char, zh, en)
const AUTHORITIES: [(RegistrationAuthority, char, &str, &str); 12] = {
    use RegistrationAuthority::*;
    [
        (Staffing, '1', "机构编制", "institutional staffing"),
        (ForeignAffairs, '2', "外交", "foreign affairs"),
        (
            JudicialAdministration,
            '3',
            "司法行政",
            "judicial administration",
        ),
        (Culture, '4', "文化", "culture"),
        (CivilAffairs, '5', "民政", "civil affairs"),
        (Tourism, '6', "旅游", "tourism"),
        (Religion, '7', "宗教", "religious affairs"),
        (TradeUnion, '8', "工会", "trade unions"),
        (
            MarketRegulation,
            '9',
            "工商（市场监管）",
            "market regulation",
        ),
        (
            MilitaryStaffing,
            'A',
            "中央军委改革和编制办公室",
            "Central Military Commission reform and staffing office",
        ),
        (Agriculture, 'N', "农业", "agriculture"),
        (Other, 'Y', "其他", "other"),
    ]
};

impl RegistrationAuthority {
    /// All authorities in table order.
    pub fn all() -> impl Iterator<Item = RegistrationAuthority> {
        AUTHORITIES.iter().map(|a| a.0)
    }

    /// Looks up a position-1 character (upper case).
    pub fn from_char(c: char) -> Option<Self> {
        AUTHORITIES.iter().find(|a| a.1 == c).map(|a| a.0)
    }

    fn row(self) -> &'static (RegistrationAuthority, char, &'static str, &'static str) {
        // Every variant has exactly one row.
        AUTHORITIES
            .iter()
            .find(|a| a.0 == self)
            .unwrap_or(&AUTHORITIES[11])
    }

    /// The position-1 character.
    pub fn as_char(self) -> char {
        self.row().1
    }

    /// Chinese name, e.g. `民政`.
    pub fn name_zh(self) -> &'static str {
        self.row().2
    }

    /// English name, e.g. `civil affairs`.
    pub fn name_en(self) -> &'static str {
        self.row().3
    }

    /// The organization types this authority may use at position 2.
    pub fn org_types(self) -> impl Iterator<Item = OrgTypeCode> {
        ORG_TYPES.iter().filter(move |t| t.1 == self).map(|t| t.0)
    }

    /// The allowed position-2 characters joined by `sep`, for error messages.
    pub(crate) fn org_type_chars_display(self, sep: &str) -> String {
        self.org_types()
            .map(|t| t.as_char().to_string())
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// USCC position 2: 机构类别代码 (organization type). Its meaning depends on position 1, so each
/// variant belongs to exactly one [`RegistrationAuthority`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum OrgTypeCode {
    /// `11` 机关
    StateOrgan,
    /// `12` 事业单位
    PublicInstitution,
    /// `13` 中央编办直接管理机构编制的群众团体
    StaffingMassOrganization,
    /// `19` 其他 (机构编制)
    StaffingOther,
    /// `21` 外国常驻新闻机构
    ForeignNewsAgency,
    /// `29` 其他 (外交)
    ForeignAffairsOther,
    /// `31` 律师执业机构
    LawFirm,
    /// `32` 公证处
    NotaryOffice,
    /// `33` 基层法律服务所
    GrassrootsLegalService,
    /// `34` 司法鉴定机构
    ForensicAppraisal,
    /// `35` 仲裁委员会
    ArbitrationCommission,
    /// `39` 其他 (司法行政)
    JudicialOther,
    /// `41` 外国在华文化中心
    ForeignCulturalCentre,
    /// `49` 其他 (文化)
    CultureOther,
    /// `51` 社会团体 — social group (association).
    SocialGroup,
    /// `52` 民办非企业单位 (社会服务机构) — private non-enterprise unit.
    PrivateNonEnterprise,
    /// `53` 基金会 — foundation.
    Foundation,
    /// `59` 其他 (民政)
    CivilAffairsOther,
    /// `61` 外国旅游部门常驻代表机构
    ForeignTourismOffice,
    /// `62` 港澳台地区旅游部门常驻内地（大陆）代表机构
    HkMacaoTaiwanTourismOffice,
    /// `69` 其他 (旅游)
    TourismOther,
    /// `71` 宗教活动场所
    ReligiousVenue,
    /// `72` 宗教院校
    ReligiousSchool,
    /// `79` 其他 (宗教)
    ReligionOther,
    /// `81` 基层工会
    GrassrootsTradeUnion,
    /// `89` 其他 (工会)
    TradeUnionOther,
    /// `91` 企业
    Enterprise,
    /// `92` 个体工商户
    IndividualBusiness,
    /// `93` 农民专业合作社
    FarmerCooperative,
    /// `A1` 军队事业单位
    MilitaryPublicInstitution,
    /// `A9` 其他 (军委编办)
    MilitaryOther,
    /// `N1` 组级集体经济组织
    GroupCollective,
    /// `N2` 村级集体经济组织
    VillageCollective,
    /// `N3` 乡镇级集体经济组织
    TownshipCollective,
    /// `N9` 其他 (农业)
    AgricultureOther,
    /// `Y1` 其他 — authority `Y` does not subdivide.
    Other,
}

type OrgTypeRow = (
    OrgTypeCode,
    RegistrationAuthority,
    char,
    &'static str,
    &'static str,
);

/// (type, authority, position-2 char, zh, en)
const ORG_TYPES: [OrgTypeRow; 36] = {
    use OrgTypeCode::*;
    use RegistrationAuthority as R;
    [
        (StateOrgan, R::Staffing, '1', "机关", "state organ"),
        (
            PublicInstitution,
            R::Staffing,
            '2',
            "事业单位",
            "public institution",
        ),
        (
            StaffingMassOrganization,
            R::Staffing,
            '3',
            "中央编办直接管理机构编制的群众团体",
            "mass organization staffed by the central staffing office",
        ),
        (StaffingOther, R::Staffing, '9', "其他", "other"),
        (
            ForeignNewsAgency,
            R::ForeignAffairs,
            '1',
            "外国常驻新闻机构",
            "resident foreign news agency",
        ),
        (ForeignAffairsOther, R::ForeignAffairs, '9', "其他", "other"),
        (
            LawFirm,
            R::JudicialAdministration,
            '1',
            "律师执业机构",
            "law firm",
        ),
        (
            NotaryOffice,
            R::JudicialAdministration,
            '2',
            "公证处",
            "notary office",
        ),
        (
            GrassrootsLegalService,
            R::JudicialAdministration,
            '3',
            "基层法律服务所",
            "grassroots legal service office",
        ),
        (
            ForensicAppraisal,
            R::JudicialAdministration,
            '4',
            "司法鉴定机构",
            "forensic appraisal institution",
        ),
        (
            ArbitrationCommission,
            R::JudicialAdministration,
            '5',
            "仲裁委员会",
            "arbitration commission",
        ),
        (
            JudicialOther,
            R::JudicialAdministration,
            '9',
            "其他",
            "other",
        ),
        (
            ForeignCulturalCentre,
            R::Culture,
            '1',
            "外国在华文化中心",
            "foreign cultural centre in China",
        ),
        (CultureOther, R::Culture, '9', "其他", "other"),
        (
            SocialGroup,
            R::CivilAffairs,
            '1',
            "社会团体",
            "social group",
        ),
        (
            PrivateNonEnterprise,
            R::CivilAffairs,
            '2',
            "民办非企业单位",
            "private non-enterprise unit",
        ),
        (Foundation, R::CivilAffairs, '3', "基金会", "foundation"),
        (CivilAffairsOther, R::CivilAffairs, '9', "其他", "other"),
        (
            ForeignTourismOffice,
            R::Tourism,
            '1',
            "外国旅游部门常驻代表机构",
            "resident office of a foreign tourism authority",
        ),
        (
            HkMacaoTaiwanTourismOffice,
            R::Tourism,
            '2',
            "港澳台地区旅游部门常驻内地（大陆）代表机构",
            "resident office of a Hong Kong, Macao or Taiwan tourism authority",
        ),
        (TourismOther, R::Tourism, '9', "其他", "other"),
        (
            ReligiousVenue,
            R::Religion,
            '1',
            "宗教活动场所",
            "venue for religious activities",
        ),
        (
            ReligiousSchool,
            R::Religion,
            '2',
            "宗教院校",
            "religious school",
        ),
        (ReligionOther, R::Religion, '9', "其他", "other"),
        (
            GrassrootsTradeUnion,
            R::TradeUnion,
            '1',
            "基层工会",
            "grassroots trade union",
        ),
        (TradeUnionOther, R::TradeUnion, '9', "其他", "other"),
        (Enterprise, R::MarketRegulation, '1', "企业", "enterprise"),
        (
            IndividualBusiness,
            R::MarketRegulation,
            '2',
            "个体工商户",
            "individual business",
        ),
        (
            FarmerCooperative,
            R::MarketRegulation,
            '3',
            "农民专业合作社",
            "farmers' specialized cooperative",
        ),
        (
            MilitaryPublicInstitution,
            R::MilitaryStaffing,
            '1',
            "军队事业单位",
            "military public institution",
        ),
        (MilitaryOther, R::MilitaryStaffing, '9', "其他", "other"),
        (
            GroupCollective,
            R::Agriculture,
            '1',
            "组级集体经济组织",
            "group-level collective economic organization",
        ),
        (
            VillageCollective,
            R::Agriculture,
            '2',
            "村级集体经济组织",
            "village-level collective economic organization",
        ),
        (
            TownshipCollective,
            R::Agriculture,
            '3',
            "乡镇级集体经济组织",
            "township-level collective economic organization",
        ),
        (AgricultureOther, R::Agriculture, '9', "其他", "other"),
        (Other, R::Other, '1', "其他", "other"),
    ]
};

impl OrgTypeCode {
    /// Looks up position 2 in the table of `authority`.
    pub fn from_chars(authority: RegistrationAuthority, c: char) -> Option<Self> {
        ORG_TYPES
            .iter()
            .find(|t| t.1 == authority && t.2 == c)
            .map(|t| t.0)
    }

    fn row(self) -> &'static OrgTypeRow {
        // Every variant has exactly one row.
        ORG_TYPES
            .iter()
            .find(|t| t.0 == self)
            .unwrap_or(&ORG_TYPES[35])
    }

    /// The authority whose table this type belongs to.
    pub fn authority(self) -> RegistrationAuthority {
        self.row().1
    }

    /// The position-2 character.
    pub fn as_char(self) -> char {
        self.row().2
    }

    /// Chinese name, e.g. `社会团体`.
    pub fn name_zh(self) -> &'static str {
        self.row().3
    }

    /// English name, e.g. `social group`.
    pub fn name_en(self) -> &'static str {
        self.row().4
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_has_one_row_and_roundtrips() {
        for (t, a, c, _, _) in ORG_TYPES {
            assert_eq!(OrgTypeCode::from_chars(a, c), Some(t));
            assert_eq!(t.authority(), a);
            assert_eq!(t.as_char(), c);
            assert_eq!(ORG_TYPES.iter().filter(|r| r.0 == t).count(), 1);
        }
        for (a, c, _, _) in AUTHORITIES {
            assert_eq!(RegistrationAuthority::from_char(c), Some(a));
            assert_eq!(a.as_char(), c);
            assert!(a.org_types().count() >= 1, "{a:?} has no types");
        }
    }

    #[test]
    fn civil_affairs_table() {
        let a = RegistrationAuthority::CivilAffairs;
        assert_eq!(a.as_char(), '5');
        assert_eq!(a.name_zh(), "民政");
        let got: Vec<_> = a.org_types().map(|t| (t.as_char(), t.name_zh())).collect();
        assert_eq!(
            got,
            [
                ('1', "社会团体"),
                ('2', "民办非企业单位"),
                ('3', "基金会"),
                ('9', "其他")
            ]
        );
    }

    #[test]
    fn type_meaning_depends_on_authority() {
        use RegistrationAuthority as R;
        assert_eq!(
            OrgTypeCode::from_chars(R::CivilAffairs, '1'),
            Some(OrgTypeCode::SocialGroup)
        );
        assert_eq!(
            OrgTypeCode::from_chars(R::MarketRegulation, '1'),
            Some(OrgTypeCode::Enterprise)
        );
        assert_eq!(
            OrgTypeCode::from_chars(R::Staffing, '1'),
            Some(OrgTypeCode::StateOrgan)
        );
        // 9 has no "其他"; Y has only 1; 5 has no 4.
        assert_eq!(OrgTypeCode::from_chars(R::MarketRegulation, '9'), None);
        assert_eq!(OrgTypeCode::from_chars(R::Other, '2'), None);
        assert_eq!(OrgTypeCode::from_chars(R::CivilAffairs, '4'), None);
        for bad in ['0', 'B', 'I', 'O', 'Z', 'a'] {
            assert_eq!(R::from_char(bad), None, "{bad}");
        }
    }
}
