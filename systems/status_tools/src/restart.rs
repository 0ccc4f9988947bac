//! `restart_server`: schedules a reload of every plugin (or a rollback of one) and an index
//! reconciliation, for right after the call returns. Nothing is dropped: not the client, not
//! the state.

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
    /// The actions, in the order they will run; `get_server_status` shows their outcome.
    pub scheduled: Vec<String>,
}

/// Queues the admin requests.
pub fn restart_server(ctx: &ToolContext<'_>, args: RestartArgs) -> Result<Scheduled, ToolError> {
    let mut scheduled = Vec::new();
    match args.rollback {
        Some(plugin) if plugin.trim().is_empty() => {
            return Err(ToolError::invalid_arguments("`rollback`: name a plugin"));
        }
        Some(plugin) => {
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
