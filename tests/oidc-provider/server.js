// A real OpenID Connect provider for goldthread's sign-in tests: the certified `oidc-provider`
// package on loopback, with its own login and consent pages (any password is accepted; the login
// name becomes the subject).
//
//   node server.js PORT     # issuer http://127.0.0.1:PORT
//
// Tests register their own client (dynamic client registration, so the redirect URI can carry the
// test server's random port) and drive the login and consent forms with an HTTP client.
//
// The subject's claims follow from the login name:
// - `name@domain`: email `name@domain`, verified, preferred_username `name`;
// - `unverified+name@domain`: email `name@domain`, not verified;
// - anything else: preferred_username is the login, no email.
import Provider from 'oidc-provider';

const port = Number(process.argv[2] || process.env.PORT || 0);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node server.js PORT');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

function claimsFor(login) {
  if (login.startsWith('unverified+') && login.includes('@')) {
    const email = login.slice('unverified+'.length);
    return { email, email_verified: false, preferred_username: email.split('@')[0] };
  }
  if (login.includes('@')) {
    return { email: login, email_verified: true, preferred_username: login.split('@')[0] };
  }
  return { preferred_username: login };
}

const provider = new Provider(issuer, {
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, ...claimsFor(sub) };
      },
    };
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username'],
  },
  features: {
    devInteractions: { enabled: true },
    registration: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: {
    // Authorisation codes are single use regardless; keep them short like a real provider.
    AuthorizationCode: 60,
  },
  cookies: { keys: ['goldthread-test-provider-cookie-key'] },
});
// The test provider runs over plain HTTP on loopback only.
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening: ${issuer}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
