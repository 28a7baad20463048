//! The command line, run as a newcomer would: migrate, import, demo (SQLite in a temp dir).

use std::process::Command;

fn fengqiao(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_fengqiao"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("FENGQIAO_DATA_DIR")
        .output()
        .expect("run fengqiao")
}

#[test]
fn migrate_imports_the_divisions_and_a_bad_division_file_is_refused_line_by_line() {
    let dir = std::env::temp_dir().join(format!("fq-cli-{}", uuid::Uuid::now_v7()));
    let out = fengqiao(&dir, &["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("fengqiao.db").exists());
    // Not a terminal: progress comes as plain lines.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("divisions: 27036/27036"), "{err}");

    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        "code,name,level,parent_code,kind\n330000,浙江省,province,,\n3301X0,杭州市,city,330000,\n",
    )
    .unwrap();
    let out = fengqiao(&dir, &["import", "divisions", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3, column code"), "{err}");

    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "code,name,level,parent_code,kind\n330000,浙江省,province,,\n330100,杭州市,city,330000,\n",
    )
    .unwrap();
    let out = fengqiao(&dir, &["import", "divisions", good.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("imported 2 divisions"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_unknown_subcommand_or_scale_is_refused_with_usage() {
    let dir = std::env::temp_dir().join(format!("fq-cli-{}", uuid::Uuid::now_v7()));
    let out = fengqiao(&dir, &["demo", "--scale", "galaxy"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("small"));
    let _ = std::fs::remove_dir_all(&dir);
}
