//! The object and updated-at of a run's trigger item, for blocks with `order_by:`;
//! the service decides from them whether the run goes now, waits or is skipped.

use super::state::RunState;
use super::{Engine, Invocation, StepError};
use crate::definition::Block;

impl Engine {
    /// The `order_by` id and updated-at of this run's trigger item, rendered; none
    /// when the block has no `order_by` or the item names no object.
    pub fn order_of(
        &self,
        inv: &Invocation<'_>,
        state: &mut RunState,
        block: &Block,
    ) -> Result<Option<(String, String)>, StepError> {
        let Some(order) = &block.order_by else {
            return Ok(None);
        };
        let ctx = self.context(inv, state);
        let render = |field: &str, source: &str| {
            self.templates
                .render_text(source, &ctx)
                .map_err(|e| StepError::terminal(format!("order_by.{field}: {e}")))
        };
        let id = render("id", &order.id)?;
        let updated_at = render("updated_at", &order.updated_at)?;
        if id.is_empty() {
            return Ok(None);
        }
        Ok(Some((id, updated_at)))
    }
}
