// A real SMTP server on loopback (smtp-server) that keeps what it receives, parsed by mailparser.
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { after, before } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { DatabaseKind, TestDatabase } from './databases.ts';
import { testServer } from './server.ts';

export interface TestSmtp {
  url: string;
  messages: ParsedMail[];
  /** Resolves with the next message to arrive (or one already waiting beyond `seen`). */
  next(seen?: number): Promise<ParsedMail>;
  /** The first message beyond `seen` that `wanted` accepts, waiting for it (others, such as a
   * "new sign-in" notice sent on the side, are passed over). */
  nextWhere(wanted: (mail: ParsedMail) => boolean, seen?: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          waiters.splice(0).forEach((w) => w());
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  const next = async (seen = messages.length) => {
    while (messages.length <= seen) await new Promise<void>((r) => waiters.push(r));
    return messages[seen]!;
  };
  return {
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    messages,
    next,
    async nextWhere(wanted, seen = messages.length) {
      for (let i = seen; ; i++) {
        const mail = await next(i);
        if (wanted(mail)) return mail;
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * For a describe block: a fresh database of the kind, a real SMTP server, and a test server that
 * mails through it (PUBLIC_URL http://community.test). Read the fields inside the tests.
 */
export function serverWithSmtpPerSuite(kind: DatabaseKind, env: Record<string, string> = {}): { database: TestDatabase; smtp: TestSmtp; app: FastifyInstance } {
  const suite = {} as { database: TestDatabase; smtp: TestSmtp; app: FastifyInstance };
  before(async () => {
    suite.database = await kind.open();
    suite.smtp = await startSmtp();
    suite.app = await testServer(suite.database, { SMTP_URL: suite.smtp.url, PUBLIC_URL: 'http://community.test', ...env });
  });
  after(async () => {
    await suite.app?.close();
    await suite.smtp?.close();
    await suite.database?.drop();
  });
  return suite;
}
