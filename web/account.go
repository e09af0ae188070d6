package web

import (
	nethttp "net/http"
	"strconv"
	"strings"

	"github.com/meent/meent"
	"github.com/meent/meent/http"
)

// postAccountToken makes an API token from the account page and shows its
// secret this once, in the page itself (never in a redirect's URL).
func (s server) postAccountToken(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, _, err := s.formSession(w, r)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	name := strings.TrimSpace(r.PostFormValue("token_name"))
	days := 0
	if v := r.PostFormValue("days"); v != "" {
		if days, err = strconv.Atoi(v); err != nil || days < 1 {
			s.renderAccount(w, r, sess, accountPage{TokenError: "choose how many days the token lives"}, nethttp.StatusBadRequest)
			return
		}
	}
	ttl, err := http.TokenTTL(days)
	if err == nil {
		var token string
		var t meent.Token
		token, t, err = s.Accounts().IssueToken(r.Context(), sess.Agent, name, ttl)
		if err == nil {
			w.Header().Set("Cache-Control", "no-store")
			s.renderAccount(w, r, sess, accountPage{NewToken: token, NewTokenName: t.Name}, nethttp.StatusCreated)
			return
		}
	}
	s.LogError(r, err)
	p := http.ProblemOf(err)
	s.renderAccount(w, r, sess, accountPage{TokenError: p.Detail}, p.Status)
}

// postAccountRevoke revokes a token from the account page.
func (s server) postAccountRevoke(w nethttp.ResponseWriter, r *nethttp.Request) {
	sess, _, err := s.formSession(w, r)
	if err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	if err := s.Accounts().RevokeToken(r.Context(), sess.Agent, r.PathValue("id")); err != nil {
		s.errorPage(w, r, err, 0)
		return
	}
	nethttp.Redirect(w, r, "/account?revoked=1", nethttp.StatusSeeOther)
}
