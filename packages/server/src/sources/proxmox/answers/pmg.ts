import { z } from 'zod';
import { listOf, optNum, optText, text } from './coerce.js';

/*
 * Proxmox Mail Gateway answers. PMG's statistics send numbers as strings or null (rcourtman/Pulse
 * pkg/pmg/json_types.go decodes them tolerantly for the same reason); optNum covers both.
 */

/** `GET /nodes` */
export const PmgNodeEntry = z.object({ node: text, status: optText, uptime: optNum });
export type PmgNodeEntry = z.output<typeof PmgNodeEntry>;
export const PmgNodes = listOf(PmgNodeEntry);

/**
 * `GET /statistics/mail?starttime=&endtime=`: totals over the asked span (not rates). The poller
 * asks for the last hour, the normaliser divides by the span.
 */
export const MailStatistics = z.object({
  count: optNum,
  count_in: optNum,
  count_out: optNum,
  spamcount_in: optNum,
  spamcount_out: optNum,
  viruscount_in: optNum,
  viruscount_out: optNum,
  bounces_in: optNum,
  bounces_out: optNum,
  bytes_in: optNum,
  bytes_out: optNum,
  glcount: optNum,
  junk_in: optNum,
  rbl_rejects: optNum,
  pregreet_rejects: optNum,
  avptime: optNum,
});
export type MailStatistics = z.output<typeof MailStatistics>;

/** `GET /quarantine/spamstatus` and `/quarantine/virusstatus` */
export const QuarantineStatus = z.object({ count: optNum, avgbytes: optNum, avgspam: optNum, mbytes: optNum });
export type QuarantineStatus = z.output<typeof QuarantineStatus>;

/** `GET /nodes/{node}/postfix/queue`: only an index of the queue names (PMG/API2/Postfix.pm). */
export const PostfixQueueIndex = listOf(z.object({ name: text }));

/** `GET /nodes/{node}/postfix/queue/{queue}`: the mails in one queue (the count is `total` beside `data`). */
export const PostfixQueueEntry = z.object({
  queue_id: text,
  /** s */
  arrival_time: optNum,
  message_size: optNum,
  sender: optText,
  receiver: optText,
  reason: optText,
});
export type PostfixQueueEntry = z.output<typeof PostfixQueueEntry>;
export const PostfixQueueEntries = listOf(PostfixQueueEntry);

/**
 * `GET /nodes/{node}/postfix/qshape?queue=`: the first row (`domain: "TOTAL"`) sums the queue;
 * the other keys are age buckets in minutes ("0", "5", ..., "1280+").
 */
export const QshapeRow = z.object({ domain: text, total: optNum }).catchall(z.unknown());
export type QshapeRow = z.output<typeof QshapeRow>;
export const Qshape = listOf(QshapeRow);

/** `GET /config/cluster/status`: `type` is "master" or "node"; empty when not clustered. */
export const PmgClusterMember = z.object({ cid: optNum, name: text, type: optText, ip: optText, fingerprint: optText });
export type PmgClusterMember = z.output<typeof PmgClusterMember>;
export const PmgClusterStatus = listOf(PmgClusterMember);
