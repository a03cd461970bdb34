// A real OpenID Connect provider for the single sign-on tests: panva's oidc-provider (certified),
// on 127.0.0.1, with a few static accounts and one client (the service under test).
//
//   node fournisseur.mjs PORT REDIRECT_URI[,REDIRECT_URI…] [POST_LOGOUT_URI,…]
//
// Sign-in is oidc-provider's own development interaction (a login form: the account's id, any
// password); consent is granted at once to this first-party client. Prints « prêt » when listening.
import Provider from "oidc-provider";

const [port, retours, apresDeconnexion] = process.argv.slice(2);
const emetteur = `http://127.0.0.1:${port}`;

// accountId → claims; groups map to roles through INSPE_OIDC_ROLES in the tests
const COMPTES = {
  "m.curie": { preferred_username: "m.curie", email: "marie.curie@univ.example",
               name: "Marie Curie", groups: ["scolarite"] },
  "p.langevin": { preferred_username: "p.langevin", email: "paul.langevin@univ.example",
                  name: "Paul Langevin", groups: ["enseignants"] },
  "admin": { preferred_username: "admin", email: "admin@univ.example", name: "Bruno Vasseur",
             groups: ["informatique"] },
  "e.noether": { preferred_username: "e.noether", email: "emmy.noether@univ.example",
                 name: "Emmy Noether", groups: ["enseignants"] },
  "invite": { preferred_username: "invite", email: "invite@univ.example", name: "Un Invité",
              groups: ["visiteurs"] },
};

const provider = new Provider(emetteur, {
  clients: [{
    client_id: "inspe-docs",
    client_secret: "secret-de-test-inspe-docs",
    redirect_uris: retours.split(","),
    post_logout_redirect_uris: (apresDeconnexion || "").split(",").filter(Boolean),
    grant_types: ["authorization_code"],
    response_types: ["code"],
    require_auth_time: true,
  }],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "preferred_username"],
    groups: ["groups"],
  },
  scopes: ["openid", "email", "profile", "groups"],
  findAccount: async (ctx, id) => COMPTES[id] && {
    accountId: id,
    claims: async () => ({ sub: id, ...COMPTES[id], email_verified: true }),
  },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ["cle-de-test-des-cookies-du-fournisseur"] },
  // the first-party client: consent is granted without asking
  loadExistingGrant: async (ctx) => {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile groups");
    await grant.save();
    return grant;
  },
  renderError: async (ctx, out) => {
    ctx.type = "html";
    ctx.body = `<!DOCTYPE html><title>Erreur</title><pre>${JSON.stringify(out)}</pre>`;
  },
});
provider.on("server_error", (ctx, err) => console.error("erreur du fournisseur :", err));
provider.listen(Number(port), "127.0.0.1", () => console.log("prêt"));
