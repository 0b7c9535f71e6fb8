# Sourced by compare.sh and ab.sh: a cgroup that holds processes to a share of one core.
# make_cpu_quota_cgroup NAME PCT creates the cgroup NAME (v1 `cpu` controller or v2 `cpu.max`) with a CPU quota
# of PCT % of a core and prints its directory; prints nothing where no cgroup CPU controller is writable.
# Move a process in by writing its pid to <dir>/cgroup.procs, and out into <dir>/../cgroup.procs.
make_cpu_quota_cgroup() {
  local name=$1 share=$2 period dir
  period=$((100000 / share > 1000 ? 100000 / share : 1000))  # the quota's floor is 1 ms
  if [ -w /sys/fs/cgroup/cpu/cgroup.procs ]; then  # cgroup v1
    dir=/sys/fs/cgroup/cpu/$name
    mkdir -p "$dir"
    echo "$period" >"$dir/cpu.cfs_period_us"
    echo $((period * share / 100)) >"$dir/cpu.cfs_quota_us"
  elif grep -qw cpu /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null && [ -w /sys/fs/cgroup/cgroup.procs ]; then
    dir=/sys/fs/cgroup/$name  # cgroup v2
    mkdir -p "$dir"
    echo "$((period * share / 100)) $period" >"$dir/cpu.max"
  else
    return 0
  fi
  echo "$dir"
}
