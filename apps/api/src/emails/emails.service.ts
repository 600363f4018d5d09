import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createTransport, type Transporter } from 'nodemailer';
import { NOTIFICATION_KINDS, type NotificationKind } from '@tasklane/contracts';
import type { Env } from '../config/env.schema.js';
import { JobQueue } from '../jobs/job-queue.service.js';
import type { JobPayloads } from '../jobs/job-names.js';
import { TasksService } from '../tasks/tasks.service.js';
import { UsersService } from '../users/users.service.js';
import type { PreferencesDto, UnsubscribedDto, UpdatePreferencesDto } from './emails.dto.js';
import { EmailsRepository, type PreferencesRecord } from './emails.repository.js';

/** Subject line of each kind (`%a` = the actor's name, `%t` = the task's title). */
const SUBJECTS: Record<NotificationKind, string> = {
  assigned: '%a assigned you to “%t”',
  mentioned: '%a mentioned you on “%t”',
  commented: '%a commented on “%t”',
  invited: '%a invited you to a board',
  due_soon: '“%t” is due soon',
  overdue: '“%t” is overdue',
  webhook_disabled: 'A webhook of your board was disabled',
};

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The preferences as the API shows them: every kind, true unless muted. */
const toView = (p: PreferencesRecord): PreferencesDto => ({ emails: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, !p.mutedKinds.includes(k)])) as Record<NotificationKind, boolean> });

/**
 * Notification emails (docs/operations.md "Email"), off unless SMTP_URL is set:
 *  - EmailOutbox (NOTIFICATION_EMAILS) enqueues one `emails.notify` job per intent of a write;
 *  - the job (here): reads the recipient, their preferences (a muted kind: nothing) and the task (as the
 *    recipient: no longer a member, nothing), and sends a plain-text and an HTML part through
 *    nodemailer, with an unsubscribe link for the kind and for everything (also as
 *    `List-Unsubscribe`). Idempotent enough for email: a retry after a failed send sends once more.
 *  - invitations to addresses without an account (`sendInvitation`, for the invitations' job);
 *  - preferences (`GET|PATCH /users/me/preferences`) and the unsubscribe link (an account's, or an
 *    invited address's, which stops every email to it).
 */
@Injectable()
export class EmailsService implements OnModuleInit {
  private readonly logger = new Logger('Emails');
  private transport: Transporter | null = null;

  constructor(
    private readonly prefs: EmailsRepository,
    private readonly jobs: JobQueue,
    private readonly users: UsersService,
    private readonly tasks: TasksService,
    private readonly config: ConfigService<Env, true>,
  ) {}

  onModuleInit(): void {
    // Only a process that can send takes these jobs; the others leave them in the queue.
    if (this.config.get('SMTP_URL', { infer: true })) this.jobs.define({ name: 'emails.notify', handler: (data) => this.send(data) });
  }

  /**
   * Sends an invitation to `to`, an address without an account: who invited, to which board and
   * role, until when, and the web app's start page (`PUBLIC_URL/`), where they create an account
   * with this address and find the invitation to accept. Nothing when the address used its
   * unsubscribe link (`email_recipients.suppressed_at`). Plain text and HTML, with an unsubscribe
   * link (also `List-Unsubscribe`).
   * @throws Error when SMTP_URL is unset, or the SMTP server refuses (the job retries)
   */
  async sendInvitation(to: string, invitation: { boardName: string; inviterName: string; role: string; expiresAt: string }): Promise<void> {
    const url = this.config.get('SMTP_URL', { infer: true });
    if (!url) throw new Error('SMTP_URL is not set on this worker: cannot send');
    const recipient = await this.prefs.recipient(to);
    if (recipient.suppressed) return;
    const base = this.config.getOrThrow('PUBLIC_URL', { infer: true }).replace(/\/$/, '');
    const start = `${base}/`;
    const unsubscribe = `${base}/api/v1/unsubscribe?id=${recipient.unsubscribeToken}&kind=invited`;
    const subject = `${invitation.inviterName} invited you to “${invitation.boardName}” on Tasklane`;
    const until = invitation.expiresAt.slice(0, 10);
    const how = `Create your Tasklane account with this address (${to}), then accept the invitation on your board list. It is open until ${until}.`;
    const text = ['Hello,', '', `${subject}, as ${invitation.role}.`, '', how, '', `Start here: ${start}`, '', '--', `Stop emails to this address: ${unsubscribe}`].join('\n');
    const html = [
      '<p>Hello,</p>',
      `<p>${escapeHtml(subject)}, as ${escapeHtml(invitation.role)}.</p>`,
      `<p>${escapeHtml(how)}</p>`,
      `<p><a href="${escapeHtml(start)}">Create your account and accept</a></p>`,
      `<hr><p style="font-size:small"><a href="${escapeHtml(unsubscribe)}">Stop emails to this address</a></p>`,
    ].join('\n');
    this.transport ??= createTransport(url);
    await this.transport.sendMail({
      from: this.config.getOrThrow('EMAIL_FROM', { infer: true }),
      to,
      subject,
      text,
      html,
      list: { unsubscribe: { url: unsubscribe, comment: 'Stop emails to this address' } },
    });
  }

  /** The `emails.notify` job. */
  async send(job: JobPayloads['emails.notify']): Promise<void> {
    const url = this.config.get('SMTP_URL', { infer: true });
    if (!url) throw new Error('SMTP_URL is not set on this worker: cannot send'); // not registered then (onModuleInit)
    const prefs = await this.prefs.get(job.userId);
    if (prefs.mutedKinds.includes(job.kind)) return;
    const [recipient, actor] = await Promise.all([this.users.getById(job.userId).catch(() => null), this.users.getById(job.actorId).catch(() => null)]);
    if (!recipient) return;
    let title = '';
    if (job.taskId) {
      const task = await this.tasks.get(job.boardId, job.userId, job.taskId).catch(() => null);
      if (!task) return; // no longer a member, or the task is gone
      title = task.title;
    }
    const base = this.config.getOrThrow('PUBLIC_URL', { infer: true }).replace(/\/$/, '');
    const open = `${base}/boards/${job.boardId}`;
    const unsubscribeKind = `${base}/api/v1/unsubscribe?id=${prefs.unsubscribeToken}&kind=${job.kind}`;
    const unsubscribeAll = `${base}/api/v1/unsubscribe?id=${prefs.unsubscribeToken}&kind=all`;
    const subject = SUBJECTS[job.kind].replace('%a', actor?.name ?? 'Someone').replace('%t', title);
    const text = [`Hello ${recipient.name},`, '', `${subject}.`, '', `Open it: ${open}`, '', '--', `Stop these emails: ${unsubscribeKind}`, `Stop all Tasklane emails: ${unsubscribeAll}`].join('\n');
    const html = [
      `<p>Hello ${escapeHtml(recipient.name)},</p>`,
      `<p>${escapeHtml(subject)}.</p>`,
      `<p><a href="${escapeHtml(open)}">Open it in Tasklane</a></p>`,
      `<hr><p style="font-size:small"><a href="${escapeHtml(unsubscribeKind)}">Stop these emails</a> · <a href="${escapeHtml(unsubscribeAll)}">Stop all Tasklane emails</a></p>`,
    ].join('\n');
    this.transport ??= createTransport(url);
    await this.transport.sendMail({
      from: this.config.getOrThrow('EMAIL_FROM', { infer: true }),
      to: { name: recipient.name, address: recipient.email },
      subject,
      text,
      html,
      list: { unsubscribe: { url: unsubscribeKind, comment: 'Stop these emails' } },
    });
  }

  async preferences(userId: string): Promise<PreferencesDto> {
    return toView(await this.prefs.get(userId));
  }

  /** Applies the kinds given (true: send, false: mute); the others keep their setting. */
  async updatePreferences(userId: string, dto: UpdatePreferencesDto): Promise<PreferencesDto> {
    const current = await this.prefs.get(userId);
    const muted = new Set(current.mutedKinds);
    for (const [kind, on] of Object.entries(dto.emails)) {
      if (on === undefined) continue;
      if (on) muted.delete(kind);
      else muted.add(kind);
    }
    return toView(await this.prefs.setMuted(userId, [...muted].sort()));
  }

  /** The unsubscribe link: mutes `kind` (or all) for the token's owner. Returns what it muted, or null for an unknown token. */
  async unsubscribe(token: string, kind: NotificationKind | 'all'): Promise<UnsubscribedDto | null> {
    const kinds = kind === 'all' ? [...NOTIFICATION_KINDS] : [kind];
    return (await this.prefs.unsubscribe(token, kinds)) ? { muted: kinds } : null;
  }
}
