"""The preview as plain text, for the command line (the browser has its own page)."""

from actionplan.models import Rag


def describe(preview):
    counts = preview.counts
    lines = [
        f"{preview.file_name} (sha256 {preview.sha256})",
        (
            f"{counts['sections']} sections, {counts['actions']} actions, {counts['leads']} "
            f"leads, {counts['evidence']} evidence entries, {counts['ratings']} ratings"
        ),
    ]
    for header, field in preview.columns.items():
        lines.append(f"  column “{header}”: {field}")
    for section in preview.sections:
        lines.append(f"{section.number}. {section.title}")
        for action in section.actions:
            leads = "; ".join(lead.label for lead in action.leads)
            rag = Rag.label_for(action.rag)
            lines.append(
                f"  {action.ref} {action.text[:60]!r} | {leads} | {action.timescale} | {rag} | "
                f"{len(action.evidence)} evidence"
            )
    for agency in preview.new_agencies:
        lines.append(f"New {agency.kind}: {agency.name}")
    for lead in preview.new_posts:
        lines.append(f"New post: {lead.label}")
    lines += [f"Warning: {warning}" for warning in preview.warnings]
    lines += [f"Error: {error}" for error in preview.errors]
    return "\n".join(lines)


def describe_updates(preview):
    lines = [f"{preview.file_name} (sha256 {preview.sha256}): {preview.plan}"]
    for update in preview.updates:
        lines.append(update.ref)
        lines += [f"  {c.label}: “{c.old}” → “{c.new}”" for c in update.changes]
        lines += [f"  New evidence: {text}" for text in update.new_evidence]
        lines += [f"  Not saved: {why}" for why in update.not_saved]
        if update.conflict:
            lines.append(f"  Conflict: {update.conflict}")
    if not preview.updates:
        lines.append("No changes.")
    lines += [f"Warning: {warning}" for warning in preview.warnings]
    return "\n".join(lines)
