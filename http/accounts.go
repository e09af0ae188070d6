package http

import (
	"encoding/json"
	nethttp "net/http"
	"strconv"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/node"
)

// API tokens are credentials of their own, apart from sessions: logging
// out ends the session only, and every token lives until it expires or
// its owner revokes it (on the account page, or DELETE
// /api/v1/tokens/{id}). Revoking deletes the token's row, so the next
// request that carries it is refused (401). Making a token needs a
// session, that is a password: a stolen token cannot mint tokens that
// would outlive its own revocation.

func tokenInfo(t meent.Token, now time.Time) api.TokenInfo {
	ti := api.TokenInfo{ID: t.ID, Name: t.Name, Created: api.Timestamp(t.Created), Expires: api.Timestamp(t.Expires), Expired: now.UnixMilli() >= t.Expires}
	if t.LastUsed > 0 {
		lu := api.Timestamp(t.LastUsed)
		ti.LastUsed = &lu
	}
	return ti
}

// TokenTTL turns a number of days asked for into a lifetime; 0 is the
// default.
func TokenTTL(days int) (time.Duration, error) {
	max := int(node.MaxTokenTTL / (24 * time.Hour))
	if days < 0 || days > max {
		return 0, meent.Errorf(meent.EINVALID, "expires_in_days must be between 1 and %d", max)
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

func (s *Server) apiCreateToken(w nethttp.ResponseWriter, r *nethttp.Request) {
	c, err := s.authenticateUnsafe(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if c.session == nil {
		s.writeError(w, r, meent.Errorf(meent.EFORBIDDEN, "log in to make an API token; a token cannot make another"))
		return
	}
	var req api.TokenRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	ttl, err := TokenTTL(req.ExpiresInDays)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	token, t, err := s.accounts.IssueToken(r.Context(), c.agent, req.Name, ttl)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, r, nethttp.StatusCreated, api.TokenResponse{Token: token, ID: t.ID, Name: t.Name, Expires: api.Timestamp(t.Expires)})
}

func (s *Server) apiTokens(w nethttp.ResponseWriter, r *nethttp.Request) {
	c, err := s.authenticate(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ts, err := s.accounts.Tokens(r.Context(), c.agent)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	now := s.Now()
	out := api.TokenList{Tokens: make([]api.TokenInfo, 0, len(ts))}
	for _, t := range ts {
		out.Tokens = append(out.Tokens, tokenInfo(t, now))
	}
	// A person's own list: no cache may keep it (writeJSON would let
	// one keep it and revalidate).
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(nethttp.StatusOK)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(out)
}

// apiRevokeToken revokes one of the caller's tokens. A token may revoke
// itself or a sibling: revoking only ever takes power away.
func (s *Server) apiRevokeToken(w nethttp.ResponseWriter, r *nethttp.Request) {
	c, err := s.authenticateUnsafe(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.accounts.RevokeToken(r.Context(), c.agent, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(nethttp.StatusNoContent)
}

// Login is Accounts.Login behind the login throttle (see
// accounts_throttle.go). A refused attempt has set Retry-After on w.
func (s *Server) Login(w nethttp.ResponseWriter, r *nethttp.Request, username, password string) (string, meent.Session, error) {
	addr := clientAddress(r)
	if wait := s.throttle.begin(username, addr, s.Now()); wait > 0 {
		s.logins.WithLabelValues("throttled").Inc()
		w.Header().Set("Retry-After", retryAfter(wait))
		return "", meent.Session{}, meent.Errorf(meent.ETOOMANY, "too many failed logins for this account from your address; try again in %s", waitText(wait))
	}
	token, sess, err := s.accounts.Login(r.Context(), username, password)
	s.throttle.end(username, addr, meent.ErrorCode(err) == meent.EUNAUTHORIZED, err == nil, s.Now())
	switch meent.ErrorCode(err) {
	case "":
		s.logins.WithLabelValues("ok").Inc()
	case meent.EUNAUTHORIZED:
		s.logins.WithLabelValues("wrong").Inc()
	default:
		s.logins.WithLabelValues("error").Inc()
	}
	if meent.ErrorCode(err) == meent.EUNAVAILABLE {
		w.Header().Set("Retry-After", "5")
	}
	return token, sess, err
}

// waitText says a wait the way a person reads it.
func waitText(d time.Duration) string {
	secs := int(d.Seconds() + 0.999)
	switch {
	case secs <= 1:
		return "a second"
	case secs < 90:
		return strconv.Itoa(secs) + " seconds"
	default:
		return strconv.Itoa((secs+59)/60) + " minutes"
	}
}

// AccountTokens fills the account page's list of tokens.
func (s *Server) AccountTokens(r *nethttp.Request, agentID string) ([]api.TokenInfo, error) {
	ts, err := s.accounts.Tokens(r.Context(), agentID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]api.TokenInfo, 0, len(ts))
	for _, t := range ts {
		out = append(out, tokenInfo(t, now))
	}
	return out, nil
}
