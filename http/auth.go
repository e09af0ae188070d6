package http

import (
	nethttp "net/http"
	"strings"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/node"
)

// caller is who a request acts for.
type caller struct {
	agent   string
	session *meent.Session // nil when the request carries an API token
	cookie  string         // the session cookie value, for logout
}

// AccountsEnabled refuses with EUNAVAILABLE when the node keeps no accounts.
func (s *Server) AccountsEnabled() error {
	if s.accounts == nil {
		return meent.Errorf(meent.EUNAVAILABLE, "accounts are not enabled on this node")
	}
	return nil
}

// authenticate finds the caller: an API token in the Authorization header
// or, without that header, the session cookie. A request that offers an
// Authorization header is judged by it alone, so a bad token never falls
// back to a cookie the browser happened to send.
func (s *Server) authenticate(r *nethttp.Request) (caller, error) {
	if err := s.AccountsEnabled(); err != nil {
		return caller{}, err
	}
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			return caller{}, meent.Errorf(meent.EUNAUTHORIZED, "the Authorization header must be \"Bearer <API token>\"")
		}
		agent, err := s.accounts.TokenAgent(r.Context(), strings.TrimSpace(token))
		if err != nil {
			return caller{}, err
		}
		return caller{agent: agent}, nil
	}
	c, err := r.Cookie(api.SessionCookie)
	if err != nil || c.Value == "" {
		return caller{}, meent.Errorf(meent.EUNAUTHORIZED, "log in, or send an API token as \"Authorization: Bearer <token>\"")
	}
	sess, err := s.accounts.Session(r.Context(), c.Value)
	if err != nil {
		return caller{}, err
	}
	return caller{agent: sess.Agent, session: &sess, cookie: c.Value}, nil
}

// authenticateUnsafe is authenticate for requests that change something:
// a cookie-authenticated caller must also prove, with the session's CSRF
// token, that the request comes from our own page or client. Requests with
// an API token need no such proof: a browser never adds that header on its
// own.
func (s *Server) authenticateUnsafe(r *nethttp.Request) (caller, error) {
	c, err := s.authenticate(r)
	if err != nil {
		return c, err
	}
	if c.session != nil {
		if err := node.CheckCSRF(*c.session, csrfFromRequest(r)); err != nil {
			return c, err
		}
	}
	return c, nil
}

// csrfFromRequest reads the CSRF token of an API request from the
// X-CSRF-Token header, and only from there. It once fell back to a "csrf"
// form field, which meant parsing the body (a multipart one is spooled to
// disk) before the caller was known to be allowed to send it: a 1 GiB
// body was read in full only to be refused. The web forms, whose CSRF
// token is a form field, read a body bounded to 64 KiB (formSession).
func csrfFromRequest(r *nethttp.Request) string {
	return r.Header.Get(api.CSRFHeader)
}

// SetSessionCookie hands the browser its session. HttpOnly keeps it from
// scripts, SameSite=Lax keeps it off cross-site posts, and Secure (behind
// TLS) off plain HTTP.
func (s *Server) SetSessionCookie(w nethttp.ResponseWriter, token string, expires int64) {
	nethttp.SetCookie(w, &nethttp.Cookie{
		Name:     api.SessionCookie,
		Value:    token,
		Path:     "/",
		Expires:  time.UnixMilli(expires),
		MaxAge:   int(time.Until(time.UnixMilli(expires)).Seconds()),
		HttpOnly: true,
		Secure:   s.opts.SecureCookies,
		SameSite: nethttp.SameSiteLaxMode,
	})
}

// ClearSessionCookie tells the browser to forget its session.
func (s *Server) ClearSessionCookie(w nethttp.ResponseWriter) {
	nethttp.SetCookie(w, &nethttp.Cookie{
		Name:     api.SessionCookie,
		Value:    "",
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.opts.SecureCookies,
		SameSite: nethttp.SameSiteLaxMode,
	})
}
