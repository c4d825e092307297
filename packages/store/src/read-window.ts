// The window of a stream read (events, logs, dead letters): where it starts and how many items it returns.
// Validated once here, before any consumer is created, so a bad request never touches NATS.
import { SoloError } from '@solo/protocol';

/** Bounds of `limit` in every read. */
export const READ_LIMIT = { default: 100, max: 1000 } as const;

/**
 * Stored bytes one page of events or log lines returns at most (512 KiB): a page stops before the item that would
 * cross it (one larger item still comes alone), so its reply stays far below NATS max_payload (8 MiB) and answers
 * quickly.
 */
export const READ_REPLY_BYTES = 512 * 1024;

/** Where a read starts and how many items it returns. */
export interface ReadWindow {
  /** First stream sequence to return (inclusive). 0 and 1 both mean the start of the stream. */
  sinceSeq?: number;
  /** Only items the stream stored at or after this time. */
  sinceTime?: Date;
  /** Most items returned. @default 100, at most 1000 */
  limit?: number;
}

/** A {@link ReadWindow} with its default applied and every field checked. */
export interface ResolvedReadWindow {
  sinceSeq: number | undefined;
  sinceTime: Date | undefined;
  limit: number;
}

/** Validates a read window. @throws `invalid_request` for a negative or fractional seq, an invalid date or a limit outside 1–1000. */
export function resolveReadWindow(window: ReadWindow): ResolvedReadWindow {
  const { sinceSeq, sinceTime, limit = READ_LIMIT.default } = window;
  if (sinceSeq !== undefined && (!Number.isSafeInteger(sinceSeq) || sinceSeq < 0)) {
    throw new SoloError('invalid_request', `Invalid since_seq ${String(sinceSeq)}. Pass a whole number of 0 or more (the sequence to start from).`, {
      details: { field: 'since_seq' },
    });
  }
  if (sinceTime !== undefined && (!(sinceTime instanceof Date) || Number.isNaN(sinceTime.getTime()))) {
    throw new SoloError('invalid_request', 'Invalid since_time. Pass an ISO-8601 time such as 2024-05-01T12:00:00Z.', {
      details: { field: 'since_time' },
    });
  }
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > READ_LIMIT.max) {
    throw new SoloError('invalid_request', `Invalid limit ${String(limit)}. Pass a whole number from 1 to ${READ_LIMIT.max}, and page with since_seq.`, {
      details: { field: 'limit', max: READ_LIMIT.max },
    });
  }
  return { sinceSeq, sinceTime, limit };
}
