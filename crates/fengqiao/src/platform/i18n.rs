//! Messages in Chinese (default) and English, from `locales/<lang>/*.toml` embedded in the binary.
//! Templates never hold user-visible text of their own: they ask for a key.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn from_tag(tag: &str) -> Option<Lang> {
        match tag {
            "zh" | "zh-CN" | "zh-Hans" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The value of the HTML `lang` attribute.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

/// Flattens nested TOML tables into dotted keys (`[nav] home = …` → `nav.home`).
fn flatten(prefix: &str, value: &toml::Value, out: &mut HashMap<String, String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Message files, one per module and language: `locales/<lang>/<module>.toml`. A module adds
/// its own file instead of editing a shared one.
#[derive(rust_embed::RustEmbed)]
#[folder = "locales/"]
struct Locales;

fn load(lang: Lang) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let prefix = format!("{}/", lang.tag());
    for file in Locales::iter().filter(|f| f.starts_with(&prefix) && f.ends_with(".toml")) {
        let data = Locales::get(&file).expect("listed file exists");
        let text = std::str::from_utf8(&data.data).expect("message files are UTF-8");
        let value: toml::Value = toml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
        flatten("", &value, &mut out);
    }
    out
}

static ZH: LazyLock<HashMap<String, String>> = LazyLock::new(|| load(Lang::Zh));
static EN: LazyLock<HashMap<String, String>> = LazyLock::new(|| load(Lang::En));

/// The message `key` in `lang`; a missing key shows itself (and a test makes sure none is missing).
pub fn t(lang: Lang, key: &str) -> String {
    let table = match lang {
        Lang::Zh => &*ZH,
        Lang::En => &*EN,
    };
    table.get(key).cloned().unwrap_or_else(|| key.to_string())
}

/// Every key of a language's file (for the completeness test).
pub fn keys(lang: Lang) -> Vec<String> {
    let table = match lang {
        Lang::Zh => &*ZH,
        Lang::En => &*EN,
    };
    let mut k: Vec<String> = table.keys().cloned().collect();
    k.sort();
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys(Lang::Zh), keys(Lang::En));
        assert!(!keys(Lang::Zh).is_empty());
    }

    #[test]
    fn every_role_has_a_name_in_both_languages() {
        for role in crate::platform::auth::Role::ALL {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(
                    t(lang, &role.message_key()),
                    role.message_key(),
                    "{role:?} in {lang:?}"
                );
            }
        }
    }

    #[test]
    fn every_template_key_exists() {
        // Keys used in templates are written as ctx.t("…"); all must be in the message files.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut missing = Vec::new();
        for entry in walk(&dir) {
            let text = std::fs::read_to_string(&entry).unwrap();
            for part in text.split(".t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if !ZH.contains_key(key) {
                    missing.push(format!("{}: {key}", entry.display()));
                }
            }
        }
        assert!(missing.is_empty(), "missing message keys: {missing:?}");
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p))
            } else {
                out.push(p)
            }
        }
        out
    }
}
