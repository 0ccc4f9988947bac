//! The scenario library: each file must pass through `omnysys scenario`.

use crate::util::{run, text, workspace};

fn passes(name: &str) {
    let file = format!("assets/scenarios/{name}.scenario.ron");
    let out = run(&["scenario", &file]);
    assert!(
        out.status.success(),
        "scenario {name} failed\n{}",
        text(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("passed {file}")), "{}", text(&out));
}

/// The names of the tests below: a scenario file added without a test fails this check.
const LISTED: &[&str] = &[
    "swap_keeps_state",
    "state_reset",
    "refused_libraries",
    "contained_panics",
    "swap_under_load",
    "thread_local_soak",
    "javascript_impact",
    "watch_library_rebuilds",
    "watch_toolset_edits",
    "watch_classifies_changes",
    "symbol_tools",
    "python_graph",
    "rust_graph",
    "status_and_queue",
    "graph_tools_suite",
    "extractor_upgrade_window",
    "tool_answer_changes_under_load",
    "links_are_not_followed",
    "typescript_workspace",
    "python_tools_suite",
    "rust_tools_suite",
    "plugin_loop_systems",
    "javascript_receivers",
    "python_overrides",
    "python_receivers",
    "typescript_receivers",
];

#[test]
fn every_scenario_file_has_a_test() {
    let mut found: Vec<String> = std::fs::read_dir(workspace().join("assets/scenarios"))
        .expect("assets/scenarios exists")
        .filter_map(|e| {
            e.ok()?
                .file_name()
                .to_str()?
                .strip_suffix(".scenario.ron")
                .map(str::to_owned)
        })
        .collect();
    found.sort();
    let mut listed: Vec<String> = LISTED.iter().map(|s| (*s).to_owned()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

#[test]
fn a_swap_keeps_state_and_rollback_restores_the_previous_code() {
    passes("swap_keeps_state");
}

#[test]
fn incompatible_plugin_state_is_reset_with_a_warning() {
    passes("state_reset");
}

#[test]
fn bad_libraries_are_refused_and_the_old_generation_keeps_serving() {
    passes("refused_libraries");
}

#[test]
fn panics_in_tools_are_contained_and_the_next_call_works() {
    passes("contained_panics");
}

#[test]
fn swaps_under_load_lose_no_call_and_no_state() {
    passes("swap_under_load");
}

#[test]
fn a_thousand_swaps_of_a_thread_local_plugin_keep_memory_bounded() {
    passes("thread_local_soak");
}

#[test]
fn javascript_impact_maps_match_the_hand_worked_answers() {
    passes("javascript_impact");
}

#[test]
fn a_library_rewritten_in_place_is_reloaded_once_complete() {
    passes("watch_library_rebuilds");
}

#[test]
fn tool_set_edits_apply_as_one_transaction_and_bad_edits_change_nothing() {
    passes("watch_toolset_edits");
}

#[test]
fn the_watcher_reports_what_class_of_change_it_saw() {
    passes("watch_classifies_changes");
}

#[test]
fn symbol_tools_answers_match_the_hand_worked_answers() {
    passes("symbol_tools");
}

#[test]
fn python_imports_resolve_through_relative_paths_and_packages() {
    passes("python_graph");
}

#[test]
fn rust_paths_resolve_through_the_module_tree() {
    passes("rust_graph");
}

#[test]
fn status_reports_the_queue_and_a_tool_waits_for_the_file_it_asks_about() {
    passes("status_and_queue");
}

#[test]
fn graph_tools_answer_hand_worked_questions_about_the_import_graph() {
    passes("graph_tools_suite");
}

#[test]
fn queries_inside_an_extractor_upgrade_window_never_see_a_file_without_facts() {
    passes("extractor_upgrade_window");
}

#[test]
fn typescript_imports_resolve_through_packages_exports_and_tsconfig_paths() {
    passes("typescript_workspace");
}

#[test]
fn every_tool_answers_hand_worked_questions_about_the_python_fixture() {
    passes("python_tools_suite");
}

#[test]
fn every_tool_answers_hand_worked_questions_about_the_rust_fixture() {
    passes("rust_tools_suite");
}

#[test]
fn a_rebuilt_tool_plugin_answers_differently_with_no_failed_call_and_the_same_state() {
    passes("tool_answer_changes_under_load");
}

#[test]
fn a_file_under_a_link_out_of_the_project_is_never_read() {
    passes("links_are_not_followed");
}

#[test]
fn a_plugin_loop_system_keeps_its_state_across_a_swap_and_leaves_the_loop_with_its_plugin() {
    passes("plugin_loop_systems");
}

#[test]
fn calls_through_receivers_reach_methods_across_files() {
    passes("javascript_receivers");
}

#[test]
fn python_overrides_are_reported_both_ways_and_name_matches_only_when_asked() {
    passes("python_overrides");
}

#[test]
fn python_calls_through_typed_parameters_fields_and_subclass_instances_reach_the_method() {
    passes("python_receivers");
}

#[test]
fn typescript_calls_through_annotated_parameters_fields_and_subclass_instances_reach_the_method() {
    passes("typescript_receivers");
}
