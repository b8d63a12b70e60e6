#!/usr/bin/env sh
# helm-secrets backend for vaultfile (jkroepke/helm-secrets, "custom backends").
#
#   export HELM_SECRETS_BACKEND=/path/to/vaultfile-backend.sh
#   helm secrets upgrade web ./chart -f values.yaml -f secrets.enc.yaml
#
# helm-secrets sources this file and calls the functions below. vaultfile reads SOPS files
# too, so a chart's existing SOPS values files keep working while new ones are vaultfile's.
# HELM_SECRETS_VAULTFILE_PATH names the vaultfile program (default: the one on PATH);
# helm-secrets' `-a`/SECRET_BACKEND_ARGS adds options (e.g. `--identity FILE`).
# The format comes from the file's name (vaultfile's rule), not from helm-secrets' `type`,
# which is "yaml" for every values file.

_VAULTFILE="${HELM_SECRETS_VAULTFILE_PATH:-vaultfile}"

_vaultfile() {
    # shellcheck disable=SC2086
    "${_VAULTFILE}" "$@" ${SECRET_BACKEND_ARGS:-}
}

# Encrypted by vaultfile (its metadata block) or by SOPS (its MAC line).
_custom_backend_is_encrypted() {
    grep -q -E '^vaultfile:|^#vaultfile:|"vaultfile" *: *\{|^\[vaultfile\]|mac.*,type:str\]' -
}

_custom_backend_is_file_encrypted() {
    _custom_backend_is_encrypted <"${1}"
}

_custom_backend_encrypt_file() {
    # type="${1}" is not used: see above.
    input="${2}"
    output="${3:-}"
    if [ "${input}" = "${output}" ]; then
        _vaultfile encrypt --in-place "${input}"
    elif [ "${output}" = "" ]; then
        _vaultfile encrypt "${input}"
    else
        _vaultfile encrypt --output "${output}" "${input}"
    fi
}

_custom_backend_decrypt_file() {
    input="${2}"
    # Standard output when no output is given.
    output="${3:-}"
    if [ "${input}" = "${output}" ]; then
        _vaultfile decrypt --in-place "${input}"
    elif [ "${output}" = "" ]; then
        _vaultfile decrypt "${input}"
    else
        _vaultfile decrypt --output "${output}" "${input}"
    fi
}

# A value on its own (helm-secrets' `secrets+literal://`): vaultfile's values are bound to
# their file and key, so only plain text goes through.
_custom_backend_decrypt_literal() {
    if printf '%s' "${1}" | grep -q -E '^VF[0-9]+\.'; then
        echo "vaultfile: a value cannot be decrypted outside its file; reference the file instead" >&2
        return 1
    fi
    printf '%s' "${1}"
}

_custom_backend_edit_file() {
    _vaultfile edit "${2}"
}
