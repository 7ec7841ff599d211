// An OpenID provider for the single sign-on tests: panva's oidc-provider with its
// development login and consent pages. Any login name signs in (the password is not
// checked); the accounts below carry groups, everyone else none.
//
//   PORT=9000 REDIRECT_URI=http://127.0.0.1:8000/oidc/callback/ node provider.mjs
import Provider from "oidc-provider";

const port = Number(process.env.PORT || 9000);
const issuer = `http://127.0.0.1:${port}`;
const GROUPS = {
  olga: ["clinic-admins"],
  sven: ["shop-team", "unrelated"],
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "agent-console",
      client_secret: "test-secret",
      redirect_uris: [process.env.REDIRECT_URI],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      id_token_signed_response_alg: "RS256",
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["preferred_username", "name"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  pkce: { required: () => true },
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({
      sub: id,
      email: `${id}@example.com`,
      email_verified: true,
      preferred_username: id,
      name: id,
      groups: GROUPS[id] || [],
    }),
  }),
  features: { devInteractions: { enabled: true } },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
