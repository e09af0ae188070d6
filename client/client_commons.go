package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	nethttp "net/http"
	"net/url"
	"strconv"

	"github.com/meent/meent"
	"github.com/meent/meent/api"
)

// Client calls for peer production: blobs, commons, contributions, needs
// and activity streams. Writes go through Submit or Act like any event.

// PutBlob uploads a file under its SHA-256, authenticated by an API
// token, and returns its hash and size. Uploading bytes already stored
// succeeds.
func (c *Client) PutBlob(ctx context.Context, token string, data []byte) (api.BlobInfo, error) {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	var out api.BlobInfo
	err := c.sendJSON(ctx, request{
		method: nethttp.MethodPut, path: "/api/v1/blobs/" + h, body: data, ctype: "application/octet-stream",
		header: nethttp.Header{"Authorization": {"Bearer " + token}}, success: nethttp.StatusCreated,
	}, &out)
	return out, err
}

// Blob downloads the file with that hash into w, checks that the bytes
// hash to it (so a node cannot serve other bytes than the log names), and
// returns the number of bytes written. On a mismatch w has received bytes
// that must not be trusted, and the error is EINVALID.
func (c *Client) Blob(ctx context.Context, hash string, w io.Writer) (int64, error) {
	if _, err := meent.ParseBlobHash(hash); err != nil {
		return 0, err
	}
	req, err := nethttp.NewRequestWithContext(ctx, nethttp.MethodGet, c.base+"/api/v1/blobs/"+hash, nil)
	if err != nil {
		return 0, fmt.Errorf("build request: %w", err)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return 0, &meent.Error{Code: meent.EUNAVAILABLE, Message: "cannot reach the node at " + c.base, Err: err}
	}
	defer resp.Body.Close()
	if resp.StatusCode != nethttp.StatusOK {
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return 0, responseError(resp, data)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), resp.Body)
	if err != nil {
		return n, &meent.Error{Code: meent.EUNAVAILABLE, Message: "the download was cut off", Err: err}
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != hash {
		return n, meent.Errorf(meent.EINVALID, "the node served bytes that hash to %s, not %s", got, hash)
	}
	return n, nil
}

// CommonsList lists commons, newest first; kind "" for every kind.
func (c *Client) CommonsList(ctx context.Context, kind string) ([]api.Commons, error) {
	q := url.Values{}
	if kind != "" {
		q.Set("kind", kind)
	}
	return listAll(ctx, c, "/api/v1/commons", q, func(l *api.CommonsList) ([]api.Commons, string) { return l.Commons, l.Next })
}

// Commons returns one commons, with its forks and what it forked.
func (c *Client) Commons(ctx context.Context, id string) (api.Commons, error) {
	var out api.Commons
	err := c.getJSON(ctx, "/api/v1/commons/"+url.PathEscape(id), &out)
	return out, err
}

// Contributions lists all of a commons' contributions, newest first,
// following the cursors; status "" for any. With lineage, a fork's list includes the upstream
// contributions it recognises, marked with FromCommons.
func (c *Client) Contributions(ctx context.Context, commonsID, status string, lineage bool) ([]api.Contribution, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	if lineage {
		q.Set("lineage", "1")
	}
	return listAll(ctx, c, "/api/v1/commons/"+url.PathEscape(commonsID)+"/contributions", q,
		func(l *api.ContributionList) ([]api.Contribution, string) { return l.Contributions, l.Next })
}

// AgentContributions lists all of an agent's contributions, newest first;
// status "" for any.
func (c *Client) AgentContributions(ctx context.Context, agentID, status string) ([]api.Contribution, error) {
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	return listAll(ctx, c, "/api/v1/agents/"+url.PathEscape(agentID)+"/contributions", q,
		func(l *api.ContributionList) ([]api.Contribution, string) { return l.Contributions, l.Next })
}

// Contribution returns one contribution with its full history.
func (c *Client) Contribution(ctx context.Context, id string) (api.Contribution, error) {
	var out api.Contribution
	err := c.getJSON(ctx, "/api/v1/contributions/"+url.PathEscape(id), &out)
	return out, err
}

// NeedQuery selects and orders a needs board; empty fields take the
// server's defaults (open needs, ordered by signals).
type NeedQuery struct {
	Status  string // open, closed or all
	Sort    string // signals, priority, pledges, age or newest
	Claimed string // "1": only claimed needs, "0": only unclaimed
	Limit   int
}

// Needs returns a commons' needs board: the first nq.Limit needs, or the
// whole board (following the cursors) when nq.Limit is 0.
func (c *Client) Needs(ctx context.Context, commonsID string, nq NeedQuery) ([]api.Need, error) {
	q := url.Values{}
	for k, v := range map[string]string{"status": nq.Status, "sort": nq.Sort, "claimed": nq.Claimed} {
		if v != "" {
			q.Set(k, v)
		}
	}
	path := "/api/v1/commons/" + url.PathEscape(commonsID) + "/needs"
	if nq.Limit > 0 {
		q.Set("limit", strconv.Itoa(nq.Limit))
		var out api.NeedList
		err := c.getJSON(ctx, path+"?"+q.Encode(), &out)
		return out.Needs, err
	}
	return listAll(ctx, c, path, q, func(l *api.NeedList) ([]api.Need, string) { return l.Needs, l.Next })
}

// Need returns one need, with its claims as of now.
func (c *Client) Need(ctx context.Context, id string) (api.Need, error) {
	var out api.Need
	err := c.getJSON(ctx, "/api/v1/needs/"+url.PathEscape(id), &out)
	return out, err
}

// CommonsActivity returns a page of a commons' activity stream; before 0
// starts at the newest event, limit 0 is the server's default.
func (c *Client) CommonsActivity(ctx context.Context, id string, before int64, limit int) (api.ActivityList, error) {
	return c.activity(ctx, "/api/v1/commons/"+url.PathEscape(id)+"/activity", before, limit)
}

// AgentActivity returns a page of the events an agent signed.
func (c *Client) AgentActivity(ctx context.Context, id string, before int64, limit int) (api.ActivityList, error) {
	return c.activity(ctx, "/api/v1/agents/"+url.PathEscape(id)+"/activity", before, limit)
}

func (c *Client) activity(ctx context.Context, path string, before int64, limit int) (api.ActivityList, error) {
	q := url.Values{}
	if before > 0 {
		q.Set("before", strconv.FormatInt(before, 10))
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var out api.ActivityList
	err := c.getJSON(ctx, path+"?"+q.Encode(), &out)
	return out, err
}
