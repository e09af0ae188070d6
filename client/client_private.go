package client

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	nethttp "net/http"
	"time"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
	"github.com/meent/meent/ledger"
	"github.com/meent/meent/private"
)

// PrivateAuth authenticates a request on a private record: an API token,
// or an agent's ID and key, which sign a private.request (see
// SignatureHeader) so that the CLI needs no token.
type PrivateAuth struct {
	Token string
	Agent string
	Key   ed25519.PrivateKey
}

func (a PrivateAuth) header(method string, c private.Commitment, commonsID string) (nethttp.Header, error) {
	if a.Token != "" {
		return nethttp.Header{"Authorization": {"Bearer " + a.Token}}, nil
	}
	if a.Key == nil || a.Agent == "" {
		return nil, meent.Errorf(meent.EINVALID, "a private record request needs an API token or an agent key")
	}
	entry, err := ledger.Sign(a.Key, ledger.Body{Type: api.PrivateRequestType, Author: a.Agent, Time: time.Now().UnixMilli(),
		Data: api.PrivateRequestData{Method: method, Commitment: c.String(), Commons: commonsID}})
	if err != nil {
		return nil, err
	}
	return nethttp.Header{api.SignatureHeader: {base64.StdEncoding.EncodeToString(entry)}}, nil
}

// PutPrivate stores data as a private record under salt, scoped to a
// commons ("" for none), and returns it. Sign the event that names its
// commitment only after this returns.
func (c *Client) PutPrivate(ctx context.Context, auth PrivateAuth, data []byte, salt [private.SaltSize]byte, commonsID string) (api.PrivateRecord, error) {
	req, err := jsonRequest(nethttp.MethodPost, "/api/v1/private", api.PrivatePut{Data: data, Salt: salt[:], Commons: commonsID}, nethttp.StatusCreated)
	if err != nil {
		return api.PrivateRecord{}, err
	}
	if req.header, err = auth.header(nethttp.MethodPost, private.Commit(salt, data), commonsID); err != nil {
		return api.PrivateRecord{}, err
	}
	var out api.PrivateRecord
	err = c.sendJSON(ctx, req, &out)
	return out, err
}

// PrivateRecord reads a private record: its data while live, its
// tombstone once erased (Status "erased").
func (c *Client) PrivateRecord(ctx context.Context, auth PrivateAuth, commitment private.Commitment) (api.PrivateRecord, error) {
	return c.privateCall(ctx, auth, nethttp.MethodGet, commitment)
}

// ErasePrivate erases a private record and returns its tombstone.
func (c *Client) ErasePrivate(ctx context.Context, auth PrivateAuth, commitment private.Commitment) (api.PrivateRecord, error) {
	return c.privateCall(ctx, auth, nethttp.MethodDelete, commitment)
}

func (c *Client) privateCall(ctx context.Context, auth PrivateAuth, method string, commitment private.Commitment) (api.PrivateRecord, error) {
	h, err := auth.header(method, commitment, "")
	if err != nil {
		return api.PrivateRecord{}, err
	}
	var out api.PrivateRecord
	err = c.sendJSON(ctx, request{method: method, path: "/api/v1/private/" + commitment.String(), header: h}, &out)
	return out, err
}
