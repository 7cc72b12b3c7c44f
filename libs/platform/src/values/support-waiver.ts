/**
 * A recorded exception to the support-window rule (`npm run validate`, rule `support-window`):
 * an add-on version kept past its upstream end of support, with who decided it, why, on which day,
 * and until when. Written in `environments/<env>/cluster-addons.yaml` under `supportWaivers`, next
 * to the pin it excuses, so the exception is reviewed with the values it applies to. An expired
 * waiver, or one for another version than the one pinned, excuses nothing.
 */
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'must be a real date');

export const SupportWaiverSchema = z
  .strictObject({
    /** The exact pinned chart version it excuses; a new pin needs a new decision. */
    version: z.string().min(1),
    /** Why the version stays: what blocks the upgrade, and what is done about it. */
    reason: z.string().trim().min(20, 'give a reason a reviewer can judge (at least 20 characters)'),
    /** Who decided (a team or person). */
    decidedBy: z.string().trim().min(1),
    /** The day it was decided. */
    recorded: isoDate,
    /** The last day it excuses; from the next day validate fails again. */
    expires: isoDate,
  })
  .refine((w) => w.expires >= w.recorded, { message: 'expires must not be before recorded', path: ['expires'] });
export type SupportWaiver = z.infer<typeof SupportWaiverSchema>;

/** `supportWaivers:` add-on name -> its waiver. */
export const SupportWaiversSchema = z.record(z.string(), SupportWaiverSchema);
