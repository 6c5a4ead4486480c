#!/usr/bin/env python3
"""Generates Enums.g.cs from libvirt's API description (libvirt-api.xml, libvirt-qemu-api.xml).

Run: python3 tools/gen-enums.py > Enums.g.cs   (from src/Snapshot.Interop)
Each C# enum carries [LibvirtEnum(type, prefix)] so the coverage test can compare it with the XML.
"""
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

API = "/usr/share/libvirt/api/"
entries = []
for f in ("libvirt-api.xml", "libvirt-qemu-api.xml"):
    for e in ET.parse(API + f).getroot().iter("enum"):
        entries.append(e.attrib)

by_name = {e["name"]: e["value"] for e in entries}


def resolve(value):
    """Values are numbers or, for aliases, another enum's name."""
    while value in by_name:
        value = by_name[value]
    return int(value)


# (C# name, libvirt type, prefix, flags, public)
ENUMS = [
    ("ConnectFlags", "virConnectFlags", "VIR_CONNECT_", True, True),
    ("ListDomainsFlags", "virConnectListAllDomainsFlags", "VIR_CONNECT_LIST_DOMAINS_", True, True),
    ("DomainState", "virDomainState", "VIR_DOMAIN_", False, True),
    ("DomainNostateReason", "virDomainNostateReason", "VIR_DOMAIN_NOSTATE_", False, True),
    ("DomainRunningReason", "virDomainRunningReason", "VIR_DOMAIN_RUNNING_", False, True),
    ("DomainBlockedReason", "virDomainBlockedReason", "VIR_DOMAIN_BLOCKED_", False, True),
    ("DomainPausedReason", "virDomainPausedReason", "VIR_DOMAIN_PAUSED_", False, True),
    ("DomainShutdownReason", "virDomainShutdownReason", "VIR_DOMAIN_SHUTDOWN_", False, True),
    ("DomainShutoffReason", "virDomainShutoffReason", "VIR_DOMAIN_SHUTOFF_", False, True),
    ("DomainCrashedReason", "virDomainCrashedReason", "VIR_DOMAIN_CRASHED_", False, True),
    ("DomainPMSuspendedReason", "virDomainPMSuspendedReason", "VIR_DOMAIN_PMSUSPENDED_", False, True),
    ("DomainXmlFlags", "virDomainXMLFlags", "VIR_DOMAIN_XML_", True, True),
    ("DomainCreateFlags", "virDomainCreateFlags", "VIR_DOMAIN_", True, True),
    ("DomainDestroyFlags", "virDomainDestroyFlagsValues", "VIR_DOMAIN_DESTROY_", True, True),
    ("DomainDefineFlags", "virDomainDefineFlags", "VIR_DOMAIN_DEFINE_", True, True),
    ("DomainUndefineFlags", "virDomainUndefineFlagsValues", "VIR_DOMAIN_UNDEFINE_", True, True),
    ("DomainSaveRestoreFlags", "virDomainSaveRestoreFlags", "VIR_DOMAIN_SAVE_", True, True),
    ("DomainJobStatsFlags", "virDomainGetJobStatsFlags", "VIR_DOMAIN_JOB_STATS_", True, True),
    ("DomainJobType", "virDomainJobType", "VIR_DOMAIN_JOB_", False, True),
    ("DomainBlockCommitFlags", "virDomainBlockCommitFlags", "VIR_DOMAIN_BLOCK_COMMIT_", True, True),
    ("DomainBlockRebaseFlags", "virDomainBlockRebaseFlags", "VIR_DOMAIN_BLOCK_REBASE_", True, True),
    ("DomainBlockJobAbortFlags", "virDomainBlockJobAbortFlags", "VIR_DOMAIN_BLOCK_JOB_ABORT_", True, True),
    ("DomainBlockJobType", "virDomainBlockJobType", "VIR_DOMAIN_BLOCK_JOB_TYPE_", False, True),
    ("SnapshotCreateFlags", "virDomainSnapshotCreateFlags", "VIR_DOMAIN_SNAPSHOT_CREATE_", True, True),
    ("SnapshotListFlags", "virDomainSnapshotListFlags", "VIR_DOMAIN_SNAPSHOT_LIST_", True, True),
    ("SnapshotXmlFlags", "virDomainSnapshotXMLFlags", "VIR_DOMAIN_SNAPSHOT_XML_", True, True),
    ("SnapshotRevertFlags", "virDomainSnapshotRevertFlags", "VIR_DOMAIN_SNAPSHOT_REVERT_", True, True),
    ("SnapshotDeleteFlags", "virDomainSnapshotDeleteFlags", "VIR_DOMAIN_SNAPSHOT_DELETE_", True, True),
    ("QemuMonitorCommandFlags", "virDomainQemuMonitorCommandFlags", "VIR_DOMAIN_QEMU_MONITOR_COMMAND_", True, True),
    ("DomainEventType", "virDomainEventType", "VIR_DOMAIN_EVENT_", False, True),
    ("DomainEventDefinedDetail", "virDomainEventDefinedDetailType", "VIR_DOMAIN_EVENT_DEFINED_", False, True),
    ("DomainEventUndefinedDetail", "virDomainEventUndefinedDetailType", "VIR_DOMAIN_EVENT_UNDEFINED_", False, True),
    ("DomainEventStartedDetail", "virDomainEventStartedDetailType", "VIR_DOMAIN_EVENT_STARTED_", False, True),
    ("DomainEventSuspendedDetail", "virDomainEventSuspendedDetailType", "VIR_DOMAIN_EVENT_SUSPENDED_", False, True),
    ("DomainEventResumedDetail", "virDomainEventResumedDetailType", "VIR_DOMAIN_EVENT_RESUMED_", False, True),
    ("DomainEventStoppedDetail", "virDomainEventStoppedDetailType", "VIR_DOMAIN_EVENT_STOPPED_", False, True),
    ("DomainEventShutdownDetail", "virDomainEventShutdownDetailType", "VIR_DOMAIN_EVENT_SHUTDOWN_", False, True),
    ("DomainEventPMSuspendedDetail", "virDomainEventPMSuspendedDetailType", "VIR_DOMAIN_EVENT_PMSUSPENDED_", False, True),
    ("DomainEventCrashedDetail", "virDomainEventCrashedDetailType", "VIR_DOMAIN_EVENT_CRASHED_", False, True),
    ("LibvirtErrorCode", "virErrorNumber", "VIR_ERR_", False, True),
    ("LibvirtErrorDomain", "virErrorDomain", "VIR_FROM_", False, True),
    ("LibvirtErrorLevel", "virErrorLevel", "VIR_ERR_", False, True),
    ("DomainEventId", "virDomainEventID", "VIR_DOMAIN_EVENT_ID_", False, False),
    ("TypedParameterType", "virTypedParameterType", "VIR_TYPED_PARAM_", False, False),
]

# Words that read better with a fixed spelling; the C name is kept in [LibvirtName] when it differs
# from the upper-cased, underscore-free C# name.
WORDS = {"PMSUSPENDED": "PMSuspended", "NOSTATE": "NoState", "XML": "Xml", "FROM": "From"}
RENAMES = {"VIR_CONNECT_RO": "ReadOnly"}


def pascal(rest):
    return "".join(WORDS.get(p, p[:1].upper() + p[1:].lower()) for p in rest.split("_"))


def strip(name, prefix):
    if name.startswith(prefix):
        return name[len(prefix):]
    return name[len("VIR_"):]


out = ["// <auto-generated>Generated by tools/gen-enums.py from libvirt 9.0's API description. Do not edit.</auto-generated>",
       "#pragma warning disable CA1069 // libvirt keeps deprecated aliases with equal values",
       "namespace Snapshot.Interop;", ""]
for cs, typ, prefix, flags, public in ENUMS:
    members = [e for e in entries if e.get("type") == typ and not e["name"].endswith("_LAST")]
    if not members:
        raise SystemExit(f"no enum values for {typ}")
    members.sort(key=lambda e: (resolve(e["value"]), e["name"]))
    underlying = "uint" if flags else "int"
    out.append(f"/// <summary>libvirt's <c>{typ}</c>.</summary>")
    out.append(f'[LibvirtEnum("{typ}", "{prefix}")]')
    if flags:
        out.append("[Flags]")
    out.append(f"{'public' if public else 'internal'} enum {cs} : {underlying}")
    out.append("{")
    seen = set()
    if flags and not any(resolve(e["value"]) == 0 for e in members):
        out.append("    /// <summary>No flags.</summary>")
        out.append("    None = 0,")
        seen.add("None")
    for e in members:
        name = RENAMES.get(e["name"]) or pascal(strip(e["name"], prefix))
        if name in seen:
            raise SystemExit(f"duplicate {name} in {typ}")
        seen.add(name)
        info = " ".join(e.get("info", "").split())
        out.append(f"    /// <summary><c>{e['name']}</c>{': ' + escape(info) if info else ''}</summary>")
        if name.upper() != strip(e["name"], prefix).replace("_", ""):
            out.append(f'    [LibvirtName("{e["name"]}")]')
        value = str(resolve(e["value"]))
        if flags and int(value) < 0:
            value = f"unchecked((uint){value})"
        out.append(f"    {name} = {value},")
    out.append("}")
    out.append("")
print("\n".join(out).rstrip() + "\n", end="")
