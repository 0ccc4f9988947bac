//! Snapshots survive being killed at the worst moments, and a warm index converges to what a
//! cold one produces.

use std::path::{Path, PathBuf};

use crate::util::{copy_dir, omnysys, text};

fn copy_project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("omnysys-snap-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = crate::util::workspace().join("tests/fixtures/projects/js_basic");
    copy_dir(&src, &dir);
    dir
}

/// Runs `omnysys index`; returns (killed by a signal, stdout+stderr, facts digest).
fn index(project: &Path, kill_at: Option<&str>) -> (bool, String, Option<String>) {
    let mut cmd = std::process::Command::new(omnysys());
    cmd.args(["index", "--project"])
        .arg(project)
        .current_dir(crate::util::workspace())
        .env("OMNYSYS_LOG", "info");
    if let Some(point) = kill_at {
        cmd.env("OMNYSYS_TEST_KILL_AT", point);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let digest = stdout
        .lines()
        .find_map(|l| l.strip_prefix("facts digest "))
        .map(str::to_owned);
    (out.status.code().is_none(), text(&out), digest)
}

fn edit(project: &Path) {
    let file = project.join("src/util.js");
    let mut source = std::fs::read_to_string(&file).unwrap();
    source.push_str("\nexport function extra() {\n  return helper();\n}\n");
    std::fs::write(file, source).unwrap();
}

#[test]
fn killing_mid_index_or_between_write_and_rename_loses_nothing_and_state_converges() {
    let warm = copy_project("warm");
    let (_, first, _) = index(&warm, None);
    assert!(first.contains("snapshot "), "{first}");
    edit(&warm);
    let (killed, out, _) = index(&warm, Some("mid-index"));
    assert!(killed, "expected a SIGKILL mid-index\n{out}");
    let (killed, out, _) = index(&warm, Some("after-write"));
    assert!(killed, "expected a SIGKILL between write and rename\n{out}");
    assert!(
        out.contains("snapshot restored"),
        "the earlier snapshot must still load\n{out}"
    );
    let (_, out, warm_digest) = index(&warm, None);
    assert!(out.contains("snapshot restored"), "{out}");
    assert!(
        out.contains("extracted 1,"),
        "only the edited file is analysed again\n{out}"
    );

    // The same files indexed cold (no snapshot) give the same facts.
    std::fs::remove_dir_all(warm.join(".omnysys")).unwrap();
    let (_, out, cold_digest) = index(&warm, None);
    assert!(out.contains("extracted 6,"), "{out}");
    assert_eq!(warm_digest, cold_digest, "warm and cold indexes disagree");
    assert!(warm_digest.is_some());
    let _ = std::fs::remove_dir_all(&warm);
}

#[test]
fn a_corrupt_snapshot_means_a_cold_index_with_a_warning() {
    let project = copy_project("corrupt");
    index(&project, None);
    let snapshot = project.join(".omnysys/snapshot.json");
    let mut bytes = std::fs::read(&snapshot).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&snapshot, bytes).unwrap();
    let (killed, out, digest) = index(&project, None);
    assert!(!killed && digest.is_some(), "{out}");
    assert!(
        out.contains("ignoring the snapshot; indexing from scratch"),
        "{out}"
    );
    assert!(out.contains("checksum mismatch"), "{out}");
    assert!(out.contains("extracted 6,"), "{out}");
    let _ = std::fs::remove_dir_all(&project);
}

#[test]
fn the_snapshot_exports_as_ron_that_reads_back_to_the_same_state() {
    let project = copy_project("export");
    let (_, out, _) = index(&project, None);
    assert!(out.contains("snapshot "), "{out}");
    let export = crate::util::run(&["export", "--project", project.to_str().unwrap()]);
    assert!(export.status.success(), "{}", text(&export));
    let ron_text = String::from_utf8(export.stdout).unwrap();
    let from_ron: omnysys_engine::state::PersistentState = ron::from_str(&ron_text).unwrap();
    let from_json = omnysys_engine::snapshot::read_snapshot(&project.join(".omnysys")).unwrap();
    assert_eq!(from_ron, from_json);
    let paths: Vec<&str> = from_ron
        .files
        .iter()
        .map(|f| f.file.path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "src/app.js",
            "src/config.ts",
            "src/index.js",
            "src/router/index.js",
            "src/types.ts",
            "src/util.js"
        ]
    );
    std::fs::write(project.join(".omnysys/snapshot.json"), "corrupt").unwrap();
    let refused = crate::util::run(&["export", "--project", project.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("not an omnysys snapshot"),
        "{}",
        text(&refused)
    );
    let _ = std::fs::remove_dir_all(project);
}
