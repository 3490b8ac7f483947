import type { ChannelType } from '@pulse/protocol';
import type { Channel } from '../channel.js';
import { discordChannel } from './discord.js';
import { emailChannel } from './email.js';
import { gotifyChannel } from './gotify.js';
import { matrixChannel } from './matrix.js';
import { ntfyChannel } from './ntfy.js';
import { opsgenieChannel } from './opsgenie.js';
import { pagerdutyChannel } from './pagerduty.js';
import { pushoverChannel } from './pushover.js';
import { slackChannel } from './slack.js';
import { teamsChannel } from './teams.js';
import { telegramChannel } from './telegram.js';
import { webhookChannel } from './webhook.js';

/** Every channel type: a new one is a module in this folder and a line here. */
export const channelRegistry: Readonly<Record<ChannelType, Channel>> = {
  email: emailChannel, webhook: webhookChannel, slack: slackChannel, discord: discordChannel, teams: teamsChannel,
  telegram: telegramChannel, ntfy: ntfyChannel, gotify: gotifyChannel, pushover: pushoverChannel, matrix: matrixChannel,
  pagerduty: pagerdutyChannel, opsgenie: opsgenieChannel,
};
