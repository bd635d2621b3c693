#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Generate driver/include/saker/events.def and flags.def from the scap event
spec (scap-events.md: section 7 tables, Appendix A, Appendix C).

Appendix A gives every code's parameters but not their print formats, flag
tables or categories outside section 7; those come from the CAT/SRC/HEX/
DEC_FLAGS/TABLE maps below (facts of the libs event table, checked against
sysdig output on the corpus captures). Run by hand when the spec changes:

    hack/gen_events_def.py ../shared/specs/scap-events.md driver/include/saker
"""
import os
import re
import sys

SPEC_PATH = sys.argv[1] if len(sys.argv) > 1 else '../shared/specs/scap-events.md'
OUT = sys.argv[2] if len(sys.argv) > 2 else 'driver/include/saker'
text = open(SPEC_PATH).read()
lines = text.split('\n')

# Appendix A
appA = {}
inA = False
for l in lines:
    if l.startswith('## Appendix A'): inA = True; continue
    if l.startswith('## Appendix B'): inA = False
    if not inA: continue
    m = re.match(r'^\| (\d+) \| (\S+) \| ([EX]) \| ([^|]*) \| (\d+) \| ([^|]*) \| (.*) \|$', l)
    if not m: continue
    code = int(m.group(1))
    flags = [f.strip() for f in m.group(4).split(',') if f.strip() not in ('-', '')]
    nn = m.group(6).strip()
    if '/' in nn:
        a, b = [x.strip() for x in nn.split('/')]
    else:
        a = b = nn
    cv = lambda x: -1 if x == 'absent' else int(x)
    ps = []
    if m.group(7).strip() != '-':
        for p in m.group(7).split(', '):
            name, typ = p.rsplit(':', 1)
            ps.append((name.strip(), 'PT_' + typ.strip()))
    assert len(ps) == int(m.group(5)), (code, ps)
    appA[code] = dict(code=code, name=m.group(2), dir=m.group(3), flags=flags, n=int(m.group(5)), n031=cv(a), n2022=cv(b), params=ps)
assert sorted(appA) == list(range(454)), len(appA)
# Section 7
sec7 = {}
cur = None
for l in lines:
    if l.startswith('## Appendix'): break
    m = re.match(r'^\*\*(\d+) (enter|exit)\*\* `(\w+)` \(([^)]*)\) — flags ([^;]*); category ([^;]*);', l)
    if m:
        cur = int(m.group(1))
        sec7[cur] = dict(ppme=m.group(3), cat=m.group(6).strip(), params=[])
        continue
    m = re.match(r'^\| (\d+) \| ([^|]+) \| (PT_\w+) \| (PF_\w+) \| ([^|]*) \|$', l)
    if m and cur is not None:
        sec7[cur]['params'].append((m.group(2).strip(), m.group(3), m.group(4), m.group(5).strip()))

SPEC = text

# ---- flag tables (Appendix C) ----
tables = []  # (name, entries, dyn)
appc = SPEC.split('## Appendix C')[1]
for m in re.finditer(r'^\*\*(\w+)\*\*( \(PT_DYN[^)]*\))?: (.*)$', appc, re.M):
    name, dyn, body = m.group(1), m.group(2), m.group(3)
    ents = []
    if dyn:
        for e in body.split('; '):
            v, t = e.split(' → ')
            ents.append((t.strip(), int(v)))
    else:
        for e in body.split(', '):
            n, v = e.rsplit('=', 1)
            ents.append((n.strip(), int(v, 16)))
    tables.append((name, ents, bool(dyn)))
assert len(tables) == 59, len(tables)
tnames = {t[0] for t in tables}

CAT = {
 'access':'FILE','brk':'MEMORY','close_range':'FILE','copy_file_range':'FILE','epoll_create':'WAIT',
 'epoll_create1':'WAIT','epoll_wait':'WAIT','flock':'FILE','fsconfig':'SYSTEM','fstat':'FILE','fstat64':'FILE',
 'futex':'IPC','getcwd':'FILE','getdents':'FILE','getdents64':'FILE','getegid':'USER','geteuid':'USER',
 'getgid':'USER','getpeername':'NET','getresgid':'USER','getresuid':'USER','getrlimit':'PROCESS',
 'getsockname':'NET','getsockopt':'NET','getuid':'USER','inotify_init':'IPC','inotify_init1':'IPC',
 'io_uring_enter':'IO_OTHER','io_uring_register':'OTHER','io_uring_setup':'OTHER','ioctl':'IO_OTHER',
 'k8s':'INTERNAL','keyctl':'OTHER','llseek':'FILE','lseek':'FILE','lstat':'FILE','lstat64':'FILE',
 'mesos':'INTERNAL','mknod':'FILE','mknodat':'FILE','mlock':'MEMORY','mlock2':'MEMORY','mlockall':'MEMORY',
 'mmap2':'MEMORY','munlock':'MEMORY','munlockall':'MEMORY','munmap':'MEMORY','nanosleep':'SLEEP',
 'newfstatat':'FILE','page_fault':'OTHER','pidfd_getfd':'PROCESS','pidfd_open':'PROCESS','poll':'WAIT',
 'ppoll':'WAIT','prlimit':'PROCESS','process_vm_readv':'IPC','process_vm_writev':'IPC','quotactl':'USER',
 'recvmmsg':'IO_READ','sendmmsg':'IO_WRITE','seccomp':'OTHER','select':'WAIT','semctl':'PROCESS',
 'semget':'PROCESS','semop':'PROCESS','sendfile':'IO_WRITE','setrlimit':'PROCESS','setsockopt':'NET',
 'signalfd':'SIGNAL','signalfd4':'SIGNAL','splice':'IO_OTHER','stat':'FILE','stat64':'FILE',
 'timerfd_create':'TIME','tracer':'OTHER',
}
SRC = {'k8s':'METAEVENT','mesos':'METAEVENT','tracer':'METAEVENT','page_fault':'TRACEPOINT'}
HEX = {('brk','addr'),('brk','res'),('mmap2','addr'),('mmap2','res'),('munmap','addr'),('mlock','addr'),
       ('munlock','addr'),('mlock2','addr'),('page_fault','addr'),('page_fault','ip'),('futex','addr'),
       ('ioctl','request'),('ioctl','argument'),('signalfd','mask'),('signalfd4','mask'),('seccomp','flags'),
       ('semget','key'),('io_uring_register','arg')}
DEC_FLAGS = {('quotactl','cmd'),('quotactl','type'),('quotactl','quota_fmt'),('quotactl','dqi_flags'),
             ('quotactl','quota_fmt_out')}
TABLE = {('setsockopt','level'):'sockopt_levels',('setsockopt','optname'):'sockopt_options',
 ('setsockopt','val'):'sockopt_dynamic_param',('getsockopt','level'):'sockopt_levels',
 ('getsockopt','optname'):'sockopt_options',('getsockopt','val'):'sockopt_dynamic_param',
 ('futex','op'):'futex_operations',('lseek','whence'):'lseek_whence',('llseek','whence'):'lseek_whence',
 ('getrlimit','resource'):'rlimit_resources',('setrlimit','resource'):'rlimit_resources',
 ('prlimit','resource'):'rlimit_resources',('mmap2','prot'):'prot_flags',('mmap2','flags'):'mmap_flags',
 ('splice','flags'):'splice_flags',('quotactl','cmd'):'quotactl_cmds',('quotactl','type'):'quotactl_types',
 ('quotactl','quota_fmt'):'quotactl_quota_fmts',('quotactl','dqi_flags'):'quotactl_dqi_flags',
 ('quotactl','quota_fmt_out'):'quotactl_quota_fmts',('flock','operation'):'flock_flags',
 ('semop','sem_flg_0'):'semop_flags',('semop','sem_flg_1'):'semop_flags',('semctl','cmd'):'semctl_commands',
 ('semget','semflg'):'semget_flags',('access','mode'):'access_flags',('page_fault','error'):'pf_flags',
 ('io_uring_setup','flags'):'io_uring_setup_flags',('io_uring_setup','features'):'io_uring_setup_feats',
 ('io_uring_enter','flags'):'io_uring_enter_flags',('io_uring_register','opcode'):'io_uring_register_opcodes',
 ('mlockall','flags'):'mlockall_flags',('mlock2','flags'):'mlock2_flags',('fsconfig','cmd'):'fsconfig_cmds',
 ('epoll_create1','flags'):'epoll_create1_flags',('inotify_init1','flags'):'file_flags',
 ('signalfd4','flags'):'file_flags',('pidfd_open','flags'):'pidfd_open_flags',('mknod','mode'):'mknod_mode',
 ('mknodat','mode'):'mknod_mode',('newfstatat','flags'):'newfstatat_flags',('task','flags'):'clone_flags',
 ('task_file_regular','flags'):'file_flags',('task_file_anon_inode','fd_type'):'anon_inode_fd_types',
 ('close_range','flags'):'close_range_flags',('keyctl','operation'):'keyctl_operations',
 ('keyctl','arg2'):'keyctl_dynamic_param',('keyctl','arg3'):'keyctl_dynamic_param',
 ('keyctl','arg4'):'keyctl_dynamic_param',('keyctl','arg5'):'keyctl_dynamic_param'}
NEEDS_TABLE = ('PT_FLAGS', 'PT_ENUMFLAGS', 'PT_MODE', 'PT_DYN')

def default_fmt(t):
    if t in ('PT_CHARBUF','PT_BYTEBUF','PT_SOCKADDR','PT_SOCKTUPLE','PT_FSPATH','PT_FSRELPATH',
             'PT_CHARBUFARRAY','PT_CHARBUF_PAIR_ARRAY','PT_IPV4ADDR','PT_IPV6ADDR','PT_IPADDR','PT_IPNET',
             'PT_IPV4NET','PT_IPV6NET','PT_NONE'):
        return 'PF_NA'
    if t.startswith('PT_FLAGS'): return 'PF_HEX'
    if t == 'PT_MODE': return 'PF_OCT'
    return 'PF_DEC'

def dirfd_index(params, i):
    name = params[i][0]
    prefix = {'oldpath': 'old', 'newpath': 'new', 'linkpath': 'link'}.get(name, '')
    cands = [j for j in range(len(params)) if params[j][1] == 'PT_FD' and 'dir' in params[j][0]]
    pref = [j for j in cands if params[j][0].startswith(prefix)] if prefix else cands
    pick = (pref or cands)
    assert pick, (params, i)
    return pick[0] if not prefix else pick[0]

# ---- ids ----
latest = {}
for c, a in appA.items():
    if a['name'] == 'NA': continue
    k = (a['name'], a['dir'])
    latest[k] = max(latest.get(k, -1), c)
def ident(c, a):
    if a['name'] == 'NA': return 'NA_%d' % c
    base = re.sub(r'\W', '_', a['name']).upper() + '_' + a['dir']
    return base if latest[(a['name'], a['dir'])] == c else '%s_%d' % (base, c)

out = []
out.append('''/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scap event schema: every event code 0..453 of the current libs table.
 *
 *   SK_EVENT(code, id, name, dir, flags, cat, n031, n2022, SK_PARAMS)
 *   SK_PARAM(name, type, print format, aux)
 *
 * n031 / n2022: parameters written by Falco 0.31 / Debian sysdig libs
 * (-1 = code absent there). aux: flag table (SK_FT_*) for FLAGS*,
 * ENUMFLAGS*, MODE and DYN parameters; the dirfd parameter index for
 * FSRELPATH; else 0. Parameters are only ever appended to a code.
 *
 * Data only (no includes, no libc): included by user space and BPF C.
 * The includer defines SK_EVENT and SK_PARAM.
 */
''')
used = {}
for c in range(454):
    a = appA[c]
    s = sec7.get(c)
    if s:
        parts = s['cat'].split('+')
    else:
        if a['name'] == 'NA':
            parts = ['UNKNOWN']
        elif a['name'].startswith('task'):
            parts = ['PROCESS', 'ITER']
        else:
            parts = [CAT[a['name']], SRC.get(a['name'], 'SYSCALL')]
    cat = '|'.join('SK_EC_' + p for p in parts)
    flags = '|'.join('SK_EF_' + f for f in a['flags']) or '0'
    ps = []
    for i, (pn, pt) in enumerate(a['params']):
        if s:
            _, _, fmt, note = s['params'][i]
        else:
            fmt, note = default_fmt(pt), ''
            if (a['name'], pn) in HEX: fmt = 'PF_HEX'
            if (a['name'], pn) in DEC_FLAGS: fmt = 'PF_DEC'
            note = TABLE.get((a['name'], pn), '')
        aux = '0'
        if note.startswith('dynamic: '): note = note[9:]
        if pt == 'PT_FSRELPATH':
            m = re.match(r'dirfd = param (\d+)', note)
            aux = m.group(1) if m else str(dirfd_index(a['params'], i))
        elif pt.startswith(NEEDS_TABLE):
            assert note in tnames, (c, pn, note)
            aux = 'SK_FT_' + note
            used.setdefault(note, set()).add(pt)
        else:
            assert note == '' or note in ('',), (c, pn, note)
        ps.append('SK_PARAM("%s", %s, %s, %s)' % (pn, pt, fmt, aux))
    pstr = ' '.join(ps)
    out.append('SK_EVENT(%d, %s, "%s", %s, %s, %s, %d, %d, %s)' % (
        c, ident(c, a), a['name'], a['dir'], flags, cat, a['n031'], a['n2022'], pstr))
open(os.path.join(OUT, 'events.def'), 'w').write('\n'.join(out) + '\n')

fo = ['''/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Flag and enum tables of the scap event schema, in upstream order (the
 * rendering walk depends on it).
 *
 *   SK_FLAGTABLE(name, kind, SK_FLAGS)   kind: 'F' flags, 'E' enum (exact
 *   SK_FLAG(name, value)                 match), 'M' mode, 'D' PT_DYN table
 *                                        (value = selector -> PT type code)
 *
 * Values are PPM values, not kernel values. Data only, BPF-includable.
 */
''']
for name, ents, dyn in tables:
    if dyn: kind = 'D'
    else:
        ts = used.get(name, set())
        if any(t.startswith('PT_ENUMFLAGS') for t in ts): kind = 'E'
        elif 'PT_MODE' in ts: kind = 'M'
        else: kind = 'F'
        if ts and len({('E' if t.startswith('PT_ENUMFLAGS') else 'M' if t=='PT_MODE' else 'F') for t in ts}) > 1:
            sys.stderr.write('mixed table kinds: %s %s\n' % (name, sorted(ts)))
    if dyn:
        # dynamic: entry index = selector byte, value = the PT type code
        assert [v for n, v in ents] == list(range(len(ents)))
        body = ' '.join('SK_FLAG("%s", %s)' % (n, n) for n, v in ents)
    else:
        body = ' '.join('SK_FLAG("%s", 0x%x)' % (n, v) for n, v in ents)
    fo.append('SK_FLAGTABLE(%s, \'%s\', %s)' % (name, kind, body))
open(os.path.join(OUT, 'flags.def'), 'w').write('\n'.join(fo) + '\n')
