//! `restart_server`: a reload of every plugin (or a rollback of one) and an index
//! reconciliation, applied by the engine's loop right after the call returns and before the next
//! call is served. Nothing is dropped: not the client, not the state. A rollback that cannot
//! happen (no such plugin, no previous library) is an error, never "scheduled".

use omnysys_api::prelude::*;
use omnysys_api::tool::AdminRequest;

/// Arguments of `restart_server`.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RestartArgs {
    /// Re-extract every file instead of only changed ones (old facts answer until replaced).
    #[serde(default)]
    pub clear_cache: bool,
    /// Roll this plugin back to its previous good library instead of reloading every plugin.
    #[serde(default)]
    pub rollback: Option<String>,
}

/// What was scheduled.
#[derive(Serialize, JsonSchema, Debug, PartialEq)]
pub struct Scheduled {
    /// The actions, in the order the engine applies them before the next call;
    /// `get_server_status` shows their outcome (generations, last reloads).
    pub scheduled: Vec<String>,
}

/// Refuses a rollback the engine could not do: an unknown plugin, or one with no previous good
/// library (it has served one generation only, or its archive is gone).
fn check_rollback(ctx: &ToolContext<'_>, plugin: &str) -> Result<(), ToolError> {
    let status = ctx.world().resource::<EngineStatus>();
    let Some(info) = status.plugins.iter().find(|p| p.name == plugin) else {
        let loaded: Vec<String> = status.plugins.iter().map(|p| p.name.clone()).collect();
        let quoted = omnysys_api::paths::shorten(plugin);
        return Err(ToolError::not_found(
            format!("`rollback`: no plugin `{quoted}` is loaded"),
            loaded,
        ));
    };
    if info.rollback_available {
        return Ok(());
    }
    Err(ToolError::failed(format!(
        "`rollback`: `{plugin}` has no previous good library to roll back to (it serves generation {} and no earlier library is kept)",
        info.generation
    )))
}

/// Queues the admin requests.
pub fn restart_server(ctx: &ToolContext<'_>, args: RestartArgs) -> Result<Scheduled, ToolError> {
    let mut scheduled = Vec::new();
    match args.rollback {
        Some(plugin) if plugin.trim().is_empty() => {
            return Err(ToolError::invalid_arguments("`rollback`: name a plugin"));
        }
        Some(plugin) => {
            check_rollback(ctx, &plugin)?;
            scheduled.push(format!(
                "rollback of `{plugin}` to its previous good library"
            ));
            ctx.request(AdminRequest::Rollback { plugin });
        }
        None => {
            scheduled.push("reload of every plugin".to_owned());
            ctx.request(AdminRequest::ReloadAll);
        }
    }
    let reindex = if args.clear_cache {
        "re-index from scratch"
    } else {
        "reconciliation of the index with the disk"
    };
    scheduled.push(reindex.to_owned());
    ctx.request(AdminRequest::Reindex {
        clear_cache: args.clear_cache,
    });
    Ok(Scheduled { scheduled })
}
