//! The run queue as a table in the same SQLite database: durable across a crash,
//! with delays, visibility timeouts, receive counts and dead letters.

use std::sync::Arc;
use std::time::Duration;

use junction_core::ports::{Clock, DeadLetter, QueueError, QueueMessage, RunQueue};
use rusqlite::{params, OptionalExtension};

use crate::db::{from_millis, millis, Cached, Database};
use crate::savepoint::Savepoint;

/// Limits of the local queue, matching SQS where SQS has one.
#[derive(Debug, Clone)]
pub struct QueueConfig {
    /// Receives before a message moves to the dead letters.
    pub max_receives: u32,
    pub max_body_bytes: usize,
    /// Longest delay at send (SQS: 15 minutes); longer backoff uses visibility.
    pub max_delay: Duration,
    /// How long a dedupe id suppresses new sends (SQS FIFO: 5 minutes).
    pub dedupe_window: Duration,
}

impl Default for QueueConfig {
    fn default() -> Self {
        Self {
            max_receives: 5,
            max_body_bytes: 256 * 1024,
            max_delay: Duration::from_secs(15 * 60),
            dedupe_window: Duration::from_secs(5 * 60),
        }
    }
}

/// A new receipt for a delivery of message `id`. It names the message, so that
/// settling a delivery finds its row by primary key: an index on receipts cost three
/// index writes per message.
fn receipt_for(id: &str) -> String {
    format!("{id}:{}", uuid::Uuid::now_v7().simple())
}

/// The message a receipt names; a receipt of another shape is no longer valid.
fn message_of(receipt: &str) -> Result<&str, QueueError> {
    receipt
        .rsplit_once(':')
        .map(|(id, _)| id)
        .ok_or(QueueError::StaleReceipt)
}

#[derive(Clone)]
pub struct SqliteQueue {
    db: Database,
    clock: Arc<dyn Clock>,
    config: QueueConfig,
}

impl SqliteQueue {
    pub fn new(db: Database, clock: Arc<dyn Clock>, config: QueueConfig) -> Self {
        Self { db, clock, config }
    }

    fn now_ms(&self) -> i64 {
        millis(self.clock.now())
    }

    /// Makes every message still in flight visible now: those a process that held the
    /// data folder before was working on when it died (deferred messages hold no
    /// receipt). Only for the process that holds the folder's serve lock, so that no
    /// live worker's message is taken from it. Returns how many came back.
    /// How many messages there are (in flight and delayed included), how long the
    /// oldest ready one has waited, and how many went to the dead letters.
    pub fn figures(&self) -> Result<junction_core::telemetry::QueueFigures, QueueError> {
        let now = self.now_ms();
        let (messages, oldest, dead) = self.db.with(|conn| {
            // The oldest is the one ready longest without a worker taking it (how far
            // behind the workers are), not a delayed one waiting for its time.
            let (messages, oldest): (i64, Option<i64>) = conn.row(
                "SELECT COUNT(*), MIN(CASE WHEN visible_at <= ?1 THEN visible_at END) FROM queue",
                params![now],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let dead: i64 = conn.row("SELECT COUNT(*) FROM dead_letters", [], |r| r.get(0))?;
            Ok((messages, oldest, dead))
        })?;
        Ok(junction_core::telemetry::QueueFigures {
            messages: messages as u64,
            oldest: oldest.map(|at| Duration::from_millis(now.saturating_sub(at).max(0) as u64)),
            dead_letters: dead as u64,
        })
    }

    pub async fn release_in_flight(&self) -> Result<usize, QueueError> {
        let now = self.now_ms();
        Ok(self
            .db
            .write_with(|conn| {
                conn.exec(
                    "UPDATE queue SET visible_at = ?1, receipt = NULL WHERE receipt IS NOT NULL",
                    params![now],
                )
            })
            .await?)
    }

    /// Deletes dedupe ids past their window (sends under them are new again), a batch
    /// at a time; the embedded server calls this periodically.
    pub async fn purge_expired_dedupe_ids(&self) -> Result<usize, QueueError> {
        Ok(self.db.purge(PURGE_DEDUPE_IDS, self.now_ms()).await?)
    }

    /// Queues a message and records its dedupe id, in one savepoint. `look_first`:
    /// whether an earlier send under the id is looked for (and answered instead).
    async fn insert(
        &self,
        body: &str,
        delay: Duration,
        dedupe_id: Option<&str>,
        look_first: bool,
    ) -> Result<String, QueueError> {
        let (id, _) = self
            .insert_maybe_delivered(body, delay, dedupe_id, look_first, None)
            .await?;
        Ok(id)
    }

    /// [`SqliteQueue::insert`], delivered to the sender at once when `delivered` gives
    /// how long to hide it: answered with the receipt of that first delivery.
    async fn insert_maybe_delivered(
        &self,
        body: &str,
        delay: Duration,
        dedupe_id: Option<&str>,
        look_first: bool,
        delivered: Option<Duration>,
    ) -> Result<(String, Option<String>), QueueError> {
        if body.len() > self.config.max_body_bytes {
            return Err(QueueError::TooLarge {
                size: body.len(),
                limit: self.config.max_body_bytes,
            });
        }
        if delay > self.config.max_delay {
            return Err(QueueError::DelayTooLong(delay));
        }
        let now = self.now_ms();
        let id = junction_core::ids::new_id("msg");
        let receipt = delivered.map(|_| receipt_for(&id));
        let window = ms(self.config.dedupe_window);
        let sent = self.db.write_with(|conn| {
            let tx = Savepoint::begin(conn)?;
            if let Some(dedupe) = dedupe_id {
                if look_first {
                    let existing: Option<String> = tx
                        .row(
                            "SELECT message_id FROM queue_dedupe WHERE dedupe_id = ?1 AND expires_at > ?2",
                            params![dedupe, now],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if let Some(existing) = existing {
                        return Ok(existing);
                    }
                }
                tx.exec(
                    "INSERT INTO queue_dedupe (dedupe_id, message_id, expires_at) VALUES (?1, ?2, ?3)
                     ON CONFLICT (dedupe_id) DO UPDATE SET message_id = excluded.message_id, expires_at = excluded.expires_at",
                    params![dedupe, id, now + window],
                )?;
            }
            match delivered {
                None => tx.exec(
                    "INSERT INTO queue (id, body, visible_at, sent_at) VALUES (?1, ?2, ?3, ?4)",
                    params![id, body, now + ms(delay), now],
                )?,
                Some(visibility) => tx.exec(
                    "INSERT INTO queue (id, body, visible_at, sent_at, receive_count, receipt) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                    params![id, body, now + ms(visibility), now, receipt],
                )?,
            };
            tx.commit()?;
            Ok(id.clone())
        }).await?;
        Ok((sent, receipt))
    }
}

/// Expired dedupe ids among the oldest, which are the first to expire (one window for
/// all, rowids in the order of sending): no index on expiry to write for every send.
pub(crate) const PURGE_DEDUPE_IDS: &str = "DELETE FROM queue_dedupe WHERE rowid IN
     (SELECT rowid FROM queue_dedupe ORDER BY rowid LIMIT ?2) AND expires_at <= ?1";

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl RunQueue for SqliteQueue {
    fn max_body_bytes(&self) -> usize {
        self.config.max_body_bytes
    }

    async fn send(
        &self,
        body: &str,
        delay: Duration,
        dedupe_id: Option<&str>,
    ) -> Result<String, QueueError> {
        self.insert(body, delay, dedupe_id, true).await
    }

    /// No lookup of the dedupe id first: nothing can have been sent under it yet.
    async fn send_new(&self, body: &str, dedupe_id: &str) -> Result<String, QueueError> {
        self.insert(body, Duration::ZERO, Some(dedupe_id), false)
            .await
    }

    async fn send_new_delivered(
        &self,
        body: &str,
        dedupe_id: &str,
        visibility: Duration,
    ) -> Result<Option<QueueMessage>, QueueError> {
        let (id, receipt) = self
            .insert_maybe_delivered(
                body,
                Duration::ZERO,
                Some(dedupe_id),
                false,
                Some(visibility),
            )
            .await?;
        Ok(receipt.map(|receipt| QueueMessage {
            id,
            body: body.to_string(),
            receive_count: 1,
            receipt,
        }))
    }

    async fn receive(
        &self,
        max: usize,
        visibility: Duration,
    ) -> Result<Vec<QueueMessage>, QueueError> {
        let now = self.now_ms();
        let max_receives = self.config.max_receives;
        let messages = self.db.write_with(|conn| {
            let tx = Savepoint::begin(conn)?;
            let mut out = Vec::new();
            {
                let mut select = tx.prepare_cached(
                    "SELECT id, body, receive_count FROM queue WHERE visible_at <= ?1 ORDER BY visible_at LIMIT ?2",
                )?;
                let candidates: Vec<(String, String, u32)> = select
                    .query_map(params![now, (max * 2) as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                    .collect::<Result<_, _>>()?;
                for (id, body, count) in candidates {
                    if out.len() >= max {
                        break;
                    }
                    if count >= max_receives {
                        // Like an SQS redrive policy: moved when it would be received once too often.
                        tx.exec(
                            "INSERT OR REPLACE INTO dead_letters (id, body, receive_count, dead_at) VALUES (?1, ?2, ?3, ?4)",
                            params![id, body, count, now],
                        )?;
                        tx.exec("DELETE FROM queue WHERE id = ?1", params![id])?;
                        tracing::warn!(message = %id, receives = count, "run message moved to the dead letters");
                        continue;
                    }
                    let receipt = receipt_for(&id);
                    tx.exec(
                        "UPDATE queue SET receive_count = receive_count + 1, receipt = ?2, visible_at = ?3 WHERE id = ?1",
                        params![id, receipt, now + ms(visibility)],
                    )?;
                    out.push(QueueMessage { id, body, receive_count: count + 1, receipt });
                }
            }
            tx.commit()?;
            Ok(out)
        }).await?;
        Ok(messages)
    }

    async fn ack(&self, receipt: &str) -> Result<(), QueueError> {
        let id = message_of(receipt)?;
        let deleted = self
            .db
            .write_with(|conn| {
                conn.exec(
                    "DELETE FROM queue WHERE id = ?1 AND receipt = ?2",
                    params![id, receipt],
                )
            })
            .await?;
        if deleted == 0 {
            return Err(QueueError::StaleReceipt);
        }
        Ok(())
    }

    async fn change_visibility(
        &self,
        receipt: &str,
        visibility: Duration,
    ) -> Result<(), QueueError> {
        let id = message_of(receipt)?;
        let at = self.now_ms() + ms(visibility);
        let changed = self
            .db
            .write_with(|conn| {
                conn.exec(
                    "UPDATE queue SET visible_at = ?3 WHERE id = ?1 AND receipt = ?2",
                    params![id, receipt, at],
                )
            })
            .await?;
        if changed == 0 {
            return Err(QueueError::StaleReceipt);
        }
        Ok(())
    }

    /// The message is no longer in flight: its receipt goes, so a restart leaves it
    /// to its time (see [`SqliteQueue::release_in_flight`]).
    async fn defer(&self, receipt: &str, delay: Duration) -> Result<(), QueueError> {
        let id = message_of(receipt)?;
        let at = self.now_ms() + ms(delay);
        let changed = self
            .db
            .write_with(|conn| {
                conn.exec(
                    "UPDATE queue SET visible_at = ?3, receipt = NULL WHERE id = ?1 AND receipt = ?2",
                    params![id, receipt, at],
                )
            })
            .await?;
        if changed == 0 {
            return Err(QueueError::StaleReceipt);
        }
        Ok(())
    }

    async fn dead_letters(&self, limit: usize) -> Result<Vec<DeadLetter>, QueueError> {
        let letters = self.db.with(|conn| {
            let mut stmt = conn.prepare_cached("SELECT id, body, receive_count, dead_at FROM dead_letters ORDER BY dead_at, id LIMIT ?1")?;
            let rows = stmt.query_map(params![limit as i64], |r| {
                Ok(DeadLetter { id: r.get(0)?, body: r.get(1)?, receive_count: r.get(2)?, dead_at: from_millis(r.get(3)?) })
            })?;
            rows.collect::<Result<Vec<_>, _>>()
        })?;
        Ok(letters)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Durability;
    use junction_core::ports::ManualClock;

    /// A queue in a new database, on a clock the test moves.
    fn queue() -> (tempfile::TempDir, ManualClock, SqliteQueue) {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("j.db"), Durability::Process).unwrap();
        let clock = ManualClock::new(chrono::Utc::now());
        let q = SqliteQueue::new(db, Arc::new(clock.clone()), QueueConfig::default());
        (dir, clock, q)
    }

    #[tokio::test]
    async fn dedupe_ids_past_their_window_are_purged_and_sends_under_them_are_new() {
        let (_dir, clock, q) = queue();
        let first = q.send_new("m1", "run_1").await.unwrap();
        clock.advance(chrono::Duration::seconds(60));
        q.send_new("m2", "run_2").await.unwrap();
        assert_eq!(q.purge_expired_dedupe_ids().await.unwrap(), 0);
        assert_eq!(
            q.send("again", Duration::ZERO, Some("run_1"))
                .await
                .unwrap(),
            first,
            "suppressed within the window"
        );

        clock.advance(chrono::Duration::seconds(250));
        assert_eq!(
            q.purge_expired_dedupe_ids().await.unwrap(),
            1,
            "run_1's window is over"
        );
        let kept: i64 =
            q.db.with(|c| {
                c.query_row(
                    "SELECT count(*) FROM queue_dedupe WHERE dedupe_id = 'run_2'",
                    [],
                    |r| r.get(0),
                )
            })
            .unwrap();
        assert_eq!(kept, 1, "run_2's window is not");
        assert_ne!(
            q.send("again", Duration::ZERO, Some("run_1"))
                .await
                .unwrap(),
            first
        );
    }

    #[tokio::test]
    async fn only_the_current_receipt_settles_a_message() {
        let (_dir, clock, q) = queue();
        q.send("m", Duration::ZERO, None).await.unwrap();
        let first = q.receive(1, Duration::from_secs(1)).await.unwrap();
        clock.advance(chrono::Duration::seconds(2));
        let second = q.receive(1, Duration::from_secs(30)).await.unwrap();
        assert_eq!(
            second.len(),
            1,
            "delivered again after the visibility timeout"
        );
        for stale in [first[0].receipt.as_str(), "no-message-named", ""] {
            assert!(matches!(q.ack(stale).await, Err(QueueError::StaleReceipt)));
            assert!(matches!(
                q.change_visibility(stale, Duration::ZERO).await,
                Err(QueueError::StaleReceipt)
            ));
            assert!(matches!(
                q.defer(stale, Duration::ZERO).await,
                Err(QueueError::StaleReceipt)
            ));
        }
        assert_eq!(q.figures().unwrap().messages, 1, "still there");
        q.ack(&second[0].receipt).await.unwrap();
        assert_eq!(q.figures().unwrap().messages, 0);
    }

    #[tokio::test]
    async fn a_message_delivered_as_it_is_sent_is_hidden_until_its_visibility_ends() {
        let (_dir, clock, q) = queue();
        let held = q
            .send_new_delivered("m", "run_1", Duration::from_secs(30))
            .await
            .unwrap()
            .expect("the local queue delivers to its sender");
        assert_eq!((held.body.as_str(), held.receive_count), ("m", 1));
        assert!(q
            .receive(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty());
        // Sent under its dedupe id like `send_new`: a second send is dropped.
        q.send("m", Duration::ZERO, Some("run_1")).await.unwrap();
        assert_eq!(q.figures().unwrap().messages, 1);
        // Its receipt extends it; unsettled, it comes back as a second delivery.
        q.change_visibility(&held.receipt, Duration::from_secs(60))
            .await
            .unwrap();
        clock.advance(chrono::Duration::seconds(31));
        assert!(q
            .receive(10, Duration::from_secs(30))
            .await
            .unwrap()
            .is_empty());
        clock.advance(chrono::Duration::seconds(30));
        let again = q.receive(10, Duration::from_secs(30)).await.unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(
            (again[0].id.as_str(), again[0].receive_count),
            (held.id.as_str(), 2)
        );
        assert!(matches!(
            q.ack(&held.receipt).await,
            Err(QueueError::StaleReceipt)
        ));
        q.ack(&again[0].receipt).await.unwrap();
        assert_eq!(q.figures().unwrap().messages, 0);
    }

    #[tokio::test]
    async fn a_message_in_flight_at_a_crash_is_released_when_serve_starts_again() {
        let (_dir, _clock, q) = queue();
        q.send_new_delivered("m", "run_1", Duration::from_secs(300))
            .await
            .unwrap();
        assert_eq!(q.release_in_flight().await.unwrap(), 1);
        assert_eq!(
            q.receive(10, Duration::from_secs(30)).await.unwrap().len(),
            1
        );
    }
}
