/** One-time links for downloads too large to pass through the page's memory (the 观摩 pack). */
import crypto from 'node:crypto';
import type { Actor } from './model';

/**
 * One-time links for the pack: a browser saves a large download to disk only when it follows a plain link, and a
 * plain link carries no Authorization header. The signed-in 秘书处 asks for a ticket (valid 2 minutes, used once);
 * the link with it streams the pack under that account.
 */
export class PackTickets {
  private readonly tickets = new Map<string, { actor: Actor; query: string; expires: number }>();

  issue(actor: Actor, query: string): string {
    const now = Date.now();
    for (const [k, t] of this.tickets) if (t.expires < now) this.tickets.delete(k);
    const ticket = crypto.randomBytes(24).toString('base64url');
    this.tickets.set(ticket, { actor, query, expires: now + 120_000 });
    return ticket;
  }

  redeem(ticket: string): { actor: Actor; query: string } | undefined {
    const t = this.tickets.get(ticket);
    this.tickets.delete(ticket);
    return t && t.expires >= Date.now() ? t : undefined;
  }
}
