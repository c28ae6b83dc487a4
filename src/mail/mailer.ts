// Outgoing e-mail through real SMTP (nodemailer, SMTP_URL). Without SMTP configured, messages
// are written as .eml files to an outbox folder and the log says where: a fresh install can
// still complete sign-up. Logs never name the recipient, nor give the subject (it can carry a
// member's name and a topic title, e.g. "Ann mentioned you in …").
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { FastifyBaseLogger } from 'fastify';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative to the text (notification e-mails). */
  html?: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  /** The site's language (DEFAULT_LOCALE), for recipients who chose none (src/mail/recipient-language.ts). */
  readonly defaultLocale?: string;
  close(): void;
}

export function createMailer(opts: { smtpUrl?: string | undefined; from: string; outboxDir: string; log: FastifyBaseLogger; defaultLocale?: string }): Mailer {
  const defaultLocale = opts.defaultLocale ?? 'en';
  if (opts.smtpUrl) {
    const transport: Transporter = nodemailer.createTransport(opts.smtpUrl);
    return {
      defaultLocale,
      async send(mail) {
        await transport.sendMail({ from: opts.from, ...mail });
        opts.log.info('e-mail sent through SMTP');
      },
      close: () => transport.close(),
    };
  }
  const dir = resolve(opts.outboxDir);
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  let n = 0;
  return {
    defaultLocale,
    async send(mail) {
      const info = await transport.sendMail({ from: opts.from, ...mail });
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${process.pid}-${++n}.eml`);
      writeFileSync(file, info.message as Buffer, { mode: 0o600 });
      opts.log.info({ file }, 'SMTP is not configured: e-mail written to the outbox folder');
    },
    close: () => {},
  };
}
