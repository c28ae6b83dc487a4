// Topic view counts without a database write per page view: views are added up in memory and
// written in one transaction every few seconds (and when the server stops).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export class ViewCounter {
  private pending = new Map<number, number>();
  private timer: NodeJS.Timeout;

  constructor(private db: Kysely<DB>, everyMs = 5000) {
    this.timer = setInterval(() => void this.flush().catch(() => {}), everyMs);
    this.timer.unref();
  }

  count(topicId: number): void {
    this.pending.set(topicId, (this.pending.get(topicId) ?? 0) + 1);
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    await this.db.transaction().execute(async (tx) => {
      for (const [id, n] of batch) await tx.updateTable('topics').set((eb) => ({ view_count: eb('view_count', '+', n) })).where('id', '=', id).execute();
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
