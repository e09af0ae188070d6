package client

import (
	"context"
	nethttp "net/http"
	"net/url"

	"github.com/meent/meent/api"
)

// bearer is the header of a request made with an API token.
func bearer(token string) nethttp.Header {
	return nethttp.Header{"Authorization": {"Bearer " + token}}
}

// Tokens lists the API tokens of the agent that token acts for (never
// their secrets).
func (c *Client) Tokens(ctx context.Context, token string) ([]api.TokenInfo, error) {
	var out api.TokenList
	err := c.sendJSON(ctx, request{method: nethttp.MethodGet, path: "/api/v1/tokens", header: bearer(token)}, &out)
	return out.Tokens, err
}

// RevokeToken revokes the API token with that ID, using token (which may
// be the same one) to authenticate. It takes effect at once.
func (c *Client) RevokeToken(ctx context.Context, token, id string) error {
	_, err := c.do(ctx, request{method: nethttp.MethodDelete, path: "/api/v1/tokens/" + url.PathEscape(id), header: bearer(token), success: nethttp.StatusNoContent})
	return err
}
