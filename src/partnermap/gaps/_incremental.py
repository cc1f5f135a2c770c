"""The network after a what-if change, worked out from the network before where the change is local.

:func:`partnermap.gaps.what_if` compares the figures of
:func:`partnermap.centrality.network_summary` before and after ties are added or
organisations close. The before side is computed in full; the after side starts from
it and recomputes only what the change can reach:

* the compact graph after (:func:`_after_graph`): the before graph's arrays with the
  closed organisations' rows and columns dropped and the added ties summed in, without
  a second pass over the frames;
* components: only those that held a closed organisation are searched again, then
  those an added tie joins are merged;
* triangles (clustering, transitivity): recounted only at the organisations whose
  partners changed and at the common partners of the ends of each added tie;
* sector and organisation-type mixing: the before counts, less the partner pairs that
  close, plus those added;
* communities: :func:`_local_moving`, from the before communities;
* what is a sum over the arrays (degrees, isolates, density, centralisation,
  reciprocity, the modularity of the partition) is taken again, exactly.

Each figure but the communities equals the full recomputation on the after graph (the
tests compare them on random graphs). :func:`_Change` says what differs between the
two graphs; :func:`_after_parts` assembles the after parts from it.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse import csgraph

from .. import _common, _sparse
from .._data import PartnerData
from . import _helpers

centrality = _helpers.centrality  # the module

#: The most times :func:`_local_moving` looks at one organisation (a guard: it stops sooner).
VISITS_PER_ORGANISATION = 50


# ------------------------------------------------------------ the graph after


def _after_data(data: PartnerData, removed: list[Any], new: pd.DataFrame) -> PartnerData:
    """The data with ``removed`` organisations and their ties gone and the ``new`` ties added."""
    rel = data.relationships
    gone = set(removed)
    keep = ~(rel["source"].isin(gone) | rel["target"].isin(gone)) if len(rel) else \
        pd.Series(True, index=rel.index)
    rel_after = pd.concat([rel[keep], new]) if len(new) else rel[keep]
    return dataclasses.replace(data, organizations=data.organizations.drop(index=removed), relationships=rel_after)


def _dates_typed(rel: pd.DataFrame) -> bool:
    """Whether the ties' start and end dates are dates already (so a subset of rows reads as the whole)."""
    return all(pd.api.types.is_datetime64_any_dtype(rel[c]) for c in ("start_date", "end_date") if c in rel.columns)


def _after_graph(V0: _sparse._Views, data: PartnerData, removed: list[Any], new: pd.DataFrame,
                 as_of: Any) -> tuple[_sparse._Views, np.ndarray]:
    """The compact graph after the change, and for each of its nodes its position before.

    ``_sparse._from_data`` of the data after the change would give the same graph; it is
    built from the frames again only where the graph before has nodes that are not
    organisations (ends of ties that name no ``org_id``) and organisations close, or
    where ``as_of`` has to read dates that are still text.
    """
    orgs = data.organizations
    rel = data.relationships
    if removed and (V0.n > len(orgs) or (as_of is not None and not _dates_typed(rel))):
        V1 = _sparse._from_data(_after_data(data, removed, new), as_of=as_of)
        return V1, pd.Index(V0.nodes, dtype=object).get_indexer(pd.Index(V1.nodes, dtype=object))
    keep = np.ones(V0.n, dtype=bool)
    keep[orgs.index.get_indexer(removed)] = False
    at = np.flatnonzero(keep)
    pos = np.cumsum(keep) - 1  # position after, of each node kept
    as_of_ts = _common._as_date(as_of)
    sel = _common._selected_ties(new, as_of_ts, ("active",), None)
    src, tgt = sel["source"].to_numpy(dtype=object), sel["target"].to_numpy(dtype=object)
    r, c = pos[orgs.index.get_indexer(src)], pos[orgs.index.get_indexer(tgt)]
    w = _sparse._check_weights(sel["weight"].to_numpy(dtype=object), lambda i: f"{src[i]} -> {tgt[i]}")
    U_new, arcs_new, D_new, n_dir, n_undir = _sparse._tie_views(
        r.astype(np.int64), c.astype(np.int64), w, sel["directed"].to_numpy(dtype=bool), len(at))
    ties, dir_gone, undir_gone = _ties_of(rel, removed, as_of_ts)
    U1 = _drop(V0.U, keep, pos) + U_new
    arcs0 = V0.arcs if V0.arcs is not None else V0.U
    V1 = _sparse._Views(
        nodes=[V0.nodes[i] for i in at], U=U1, A=U1, directed=False, D=_drop(V0.D, keep, pos) + D_new,
        attrs={k: [v[i] for i in at] for k, v in V0.attrs.items()}, meta=dict(V0.meta),
        arcs=_drop(arcs0, keep, pos) + arcs_new, n_dir=V0.n_dir - dir_gone + n_dir,
        n_undir=V0.n_undir - undir_gone + n_undir, ties=V0.ties - ties + len(sel))
    return V1, at


def _drop(A: sp.csr_array, keep: np.ndarray, pos: np.ndarray) -> sp.csr_array:
    """``A`` without the rows and columns of the nodes not kept (``pos``: each kept node's new position)."""
    n = int(keep.sum())
    if n == len(keep):
        return A
    coo = A.tocoo()
    m = keep[coo.row] & keep[coo.col]
    out = sp.csr_array((coo.data[m], (pos[coo.row[m]], pos[coo.col[m]])), shape=(n, n))
    out.sort_indices()
    return out


def _ties_of(rel: pd.DataFrame, removed: list[Any], as_of: pd.Timestamp | None) -> tuple[int, int, int]:
    """The ties of the graph before that go with ``removed``: all, directed and undirected ones (self-ties aside)."""
    if not removed or not len(rel):
        return 0, 0, 0
    hit = rel["source"].isin(removed) | rel["target"].isin(removed)
    sub = _common._selected_ties(rel[hit.to_numpy()], as_of, ("active",), None)
    if not len(sub):
        return 0, 0, 0
    loop = sub["source"].to_numpy(dtype=object) == sub["target"].to_numpy(dtype=object)
    if "directed" in sub.columns:  # as _sparse._from_data reads it
        d = sub["directed"]
        is_dir = (d.notna() & d.astype(object).where(d.notna(), False).astype(bool)).to_numpy(dtype=bool)
    else:
        is_dir = np.zeros(len(sub), dtype=bool)
    return len(sub), int((is_dir & ~loop).sum()), int((~is_dir & ~loop).sum())


# ---------------------------------------------------------------- the change


@dataclass
class _Change:
    """What differs between the partner views before (``Ub0``) and after (``Ub1``)."""

    at: np.ndarray  # each node after: its position before
    removed: np.ndarray  # positions before of the nodes that are gone
    kept: sp.csr_array  # the binary view before without the nodes gone, in the order after
    added: tuple[np.ndarray, np.ndarray]  # the new partner pairs (u < v), positions after
    touched: np.ndarray  # positions after of the nodes whose partners changed, sorted


def _change(Ub0: sp.csr_array, Ub1: sp.csr_array, at: np.ndarray) -> _Change:
    """What the change did to the partner view: the nodes gone, the pairs added, whose partners changed."""
    n0 = Ub0.shape[0]
    inside = np.zeros(n0, dtype=bool)
    inside[at] = True
    removed = np.flatnonzero(~inside)
    kept = Ub0 if len(at) == n0 and (at == np.arange(n0)).all() else Ub0[at][:, at]
    kept.sort_indices()
    diff = sp.triu(Ub1 - kept, k=1).tocoo()
    up = diff.data > 0  # no pair between two organisations that stay is lost
    added = (diff.row[up].astype(np.int64), diff.col[up].astype(np.int64))
    after = np.full(n0, -1, dtype=np.int64)
    after[at] = np.arange(len(at))
    partners = after[Ub0[removed].indices] if len(removed) else np.zeros(0, dtype=np.int64)
    touched = np.unique(np.concatenate([partners[partners >= 0], *added]))
    return _Change(at=at, removed=removed, kept=kept, added=added, touched=touched)


# ------------------------------------------------------------ the parts after


@dataclass
class _Scenario:
    """The network before and after: compact graphs, summary parts, and what changed."""

    V0: _sparse._Views
    V1: _sparse._Views
    P0: Any  # centrality._SummaryParts
    P1: Any
    change: _Change


def _scenario(data: PartnerData, removed: list[Any], new: pd.DataFrame, as_of: Any,
              metrics: pd.DataFrame | None, seed: int) -> _Scenario:
    """The graphs and summary parts before (in full) and after (from those before)."""
    V0 = _sparse._from_data(data, as_of=as_of)
    P0 = centrality._summary_parts(V0, metrics=metrics, seed=seed)
    V1, at = _after_graph(V0, data, removed, new, as_of)
    P1, change = _after_parts(P0, V0, V1, at, centrality._node_rank(V0.nodes)[at])
    return _Scenario(V0=V0, V1=V1, P0=P0, P1=P1, change=change)


def _after_parts(P0: Any, V0: _sparse._Views, V1: _sparse._Views, at: np.ndarray,
                 rank: np.ndarray) -> tuple[Any, _Change]:
    """The parts of ``network_summary`` of ``V1`` (a ``centrality._SummaryParts``), from those of ``V0``.

    ``P0`` are the parts before, ``at`` each node's position before, ``rank`` each node's
    place in ``org_id`` order (after). Also returns what changed.
    """
    Ub1 = _sparse._binary(V1.U)
    ch = _change(P0.Ub, Ub1, at)
    community = _local_moving(Ub1, P0.community[at], ch.touched, rank, P0.resolution)
    P1 = dataclasses.replace(
        P0, ties=V1.ties, Ub=Ub1, comp=_components(P0.comp, ch), tri=_triangles(P0.tri, Ub1, ch),
        community=community, M=Ub1, Db=_sparse._binary(V1.D),
        sector=_mixing_after(P0.sector, P0.Ub, ch, V0.attrs["sector"], V1.attrs["sector"]),
        org_type=_mixing_after(P0.org_type, P0.Ub, ch, V0.attrs["org_type"], V1.attrs["org_type"]))
    return P1, ch


def _components(comp0: np.ndarray, ch: _Change) -> np.ndarray:
    """The components after: those that lost a node searched again, those an added pair joins merged; 0, 1, ..."""
    lab = comp0[ch.at].astype(np.int64)
    if not len(lab):
        return lab
    hit = np.isin(lab, comp0[ch.removed])
    if hit.any():  # a component that lost nodes may fall apart
        part = np.flatnonzero(hit)
        _, pieces = csgraph.connected_components(ch.kept[part][:, part], directed=False)
        lab[part] = int(comp0.max()) + 1 + pieces
    u, v = ch.added
    if len(u):  # an added pair joins two components into one
        k = int(lab.max()) + 1
        J = sp.csr_array((np.ones(len(u)), (lab[u], lab[v])), shape=(k, k))
        lab = csgraph.connected_components(J, directed=False)[1][lab]
    return np.unique(lab, return_inverse=True)[1].astype(np.int64)


def _triangles(tri0: np.ndarray, Ub1: sp.csr_array, ch: _Change) -> np.ndarray:
    """Triangles at each node after: recounted where partners changed and at common partners of added pairs."""
    tri = tri0[ch.at].copy()
    u, v = ch.added
    common = Ub1[u].multiply(Ub1[v]).tocsr().indices if len(u) else np.zeros(0, dtype=np.int64)
    redo = np.union1d(ch.touched, common).astype(np.int64)
    if len(redo):
        R = Ub1[redo]
        tri[redo] = np.asarray((R @ Ub1).multiply(R).sum(axis=1)).ravel() / 2
    return tri


def _mixing_after(before: tuple[np.ndarray, list[Any]], Ub0: sp.csr_array, ch: _Change, values0: list[Any],
                  values1: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """Pair counts between categories after: the counts before, less the pairs gone, plus the pairs added.

    ``values0`` / ``values1``: each node's category before / after.
    """
    counts0, cats0 = before
    code_of = {c: i for i, c in enumerate(cats0)}
    gone = Ub0[ch.removed].tocoo() if len(ch.removed) else sp.coo_array((0, Ub0.shape[0]))
    x, y = ch.removed[gone.row], gone.col.astype(np.int64)
    once = ~np.isin(y, ch.removed) | (x < y)  # a pair of two nodes gone, once
    u, v = ch.at[ch.added[0]], ch.at[ch.added[1]]
    c = len(cats0)
    counts = counts0 + _pair_counts(_codes(values0, u, code_of), _codes(values0, v, code_of), c) \
        - _pair_counts(_codes(values0, x[once], code_of), _codes(values0, y[once], code_of), c)
    cats = centrality._codes(values1)[1]  # the categories some organisation still has
    keep = [code_of[k] for k in cats]
    return counts[np.ix_(keep, keep)], cats


def _codes(values: list[Any], positions: np.ndarray, code_of: dict[Any, int]) -> np.ndarray:
    """The category codes (in ``code_of``) of the nodes at ``positions``; -1 where missing."""
    if not len(positions):
        return np.zeros(0, dtype=np.int64)
    picked = pd.Series([values[i] for i in positions.tolist()], dtype=object)
    return picked.map(code_of).fillna(-1).to_numpy(dtype=np.int64)


def _pair_counts(cu: np.ndarray, cv: np.ndarray, c: int) -> np.ndarray:
    """Pairs between categories, as ``centrality._mixing_counts`` counts them (missing categories left out)."""
    known = (cu >= 0) & (cv >= 0)
    cu, cv = cu[known], cv[known]
    counts = np.zeros((c, c))
    np.add.at(counts, (cu, cv), 1)
    np.add.at(counts, (cv, cu), 1)
    counts[np.diag_indices(c)] /= 2
    return counts


# ------------------------------------------------------------- communities


def _local_moving(Ub: sp.csr_array, start: np.ndarray, touched: np.ndarray, rank: np.ndarray,
                  resolution: float) -> np.ndarray:
    """The communities after: the ones before, with the organisations the change touched moved where modularity gains.

    Louvain's local-moving step, run only from the organisations whose partners changed
    (``touched``, taken in ``org_id`` order): each in turn moves to the neighbouring
    community that raises the modularity (on the binary partner view ``Ub``, at
    ``resolution``) the most, if any does; when one moves, its partners are queued
    again (in ``org_id`` order). It stops when no organisation in the queue gains by
    moving (and after at most :data:`VISITS_PER_ORGANISATION` looks per organisation).
    Equal gains go to the community listed first before (the larger, then the one with
    the smallest ``org_id``). The communities are then split into their connected
    pieces and labelled 0, 1, ... by size, then smallest ``org_id``, as
    ``centrality.communities`` labels them. Nothing random is drawn: the result follows
    from the communities before (so from their seed) and the change, whatever the order
    of the rows in the files.
    """
    n = Ub.shape[0]
    lab = np.unique(start, return_inverse=True)[1].astype(np.int64) if n else start.astype(np.int64)
    deg = np.diff(Ub.indptr).astype(float)
    two_m = float(deg.sum())
    if two_m and len(touched):
        _move(Ub, lab, deg, two_m, touched, rank, resolution)
    return _connected_labels(Ub, lab, rank)


def _move(Ub: sp.csr_array, lab: np.ndarray, deg: np.ndarray, two_m: float, touched: np.ndarray,
          rank: np.ndarray, resolution: float) -> None:
    """The local moves of :func:`_local_moving`, in place on ``lab``.

    Gains are in units of 1 / (2 m²): moving ``v`` into community ``C`` is worth
    ``2m·k_v,C − γ·k_v·tot_C`` (``k_v,C``: its ties into ``C``; ``tot_C``: the degrees in
    ``C`` without ``v``), whole numbers when γ is, so equal gains compare equal.
    """
    indptr, indices = Ub.indptr, Ub.indices
    tot = np.bincount(lab, weights=deg, minlength=int(lab.max()) + 1)
    queue = deque(touched[np.argsort(rank[touched], kind="stable")].tolist())
    queued = np.zeros(len(lab), dtype=bool)
    queued[touched] = True
    visits = VISITS_PER_ORGANISATION * len(lab)
    while queue and visits:
        visits -= 1
        v = queue.popleft()
        queued[v] = False
        nb = indices[indptr[v]:indptr[v + 1]]
        if not len(nb):
            continue  # no partner left: it stays where it is
        a, kv = lab[v], deg[v]
        comms, k_in = np.unique(lab[nb], return_counts=True)
        tot[a] -= kv
        gain = two_m * k_in - resolution * kv * tot[comms]
        here = np.flatnonzero(comms == a)
        stay = (two_m * k_in[here[0]] if len(here) else 0.0) - resolution * kv * tot[a]
        best = int(np.argmax(gain))  # the first of equal gains: the smallest label
        to = int(comms[best]) if gain[best] > stay else a
        tot[to] += kv
        if to != a:
            lab[v] = to
            wake = nb[~queued[nb]]
            queue.extend(wake[np.argsort(rank[wake], kind="stable")].tolist())
            queued[wake] = True


def _connected_labels(Ub: sp.csr_array, lab: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Each community split into its connected pieces, labelled by size, then smallest ``rank``."""
    n = len(lab)
    if not n:
        return lab
    coo = sp.triu(Ub, k=1).tocoo()
    inside = lab[coo.row] == lab[coo.col]
    S = sp.csr_array((np.ones(int(inside.sum())), (coo.row[inside], coo.col[inside])), shape=(n, n))
    _, part = csgraph.connected_components(S, directed=False)
    size = np.bincount(part)
    first = np.full(len(size), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, part, rank)
    new = np.empty(len(size), dtype=np.int64)
    new[np.lexsort((first, -size))] = np.arange(len(size))
    return new[part]
