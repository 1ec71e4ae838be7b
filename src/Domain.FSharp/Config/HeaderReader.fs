namespace CachetMonitor.Domain.ConfigReading

open System.Text.RegularExpressions
open FsToolkit.ErrorHandling
open CachetMonitor.Domain

/// An endpoint's (or a webhook's) `header` mapping: names and values HTTP can send.
[<AutoOpen>]
module internal HeaderReader =
    let headerName path (keyNode: YamlNode) (name: string) =
        if Regex.IsMatch(name, @"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$") then
            Ok name
        else
            fail path keyNode $"\"%s{name}\" is not a valid header name"

    let headerValue (value: Scalar) =
        let notAscii =
            value.Text |> Seq.tryFind (fun c -> c <> '\t' && (c < ' ' || c > '~'))

        match notAscii with
        | Some('\r' | '\n') -> Error $"%s{shown value} contains a line break, which a header value cannot"
        | Some c when c < ' ' || c = '\127' ->
            Error $"%s{shown value} contains a control character, which a header value cannot"
        | Some c ->
            // HTTP sends header values as ASCII: sending anything else fails before the target is contacted.
            let character =
                if value.FromEnvironment then
                    "a character"
                else
                    $"\"%c{c}\""

            Error
                $"%s{shown value} contains %s{character}, which is not ASCII: HTTP header values must be printable ASCII; encode the value (e.g. percent-encoding, or RFC 8187's UTF-8''%%C3%%A9 form where the receiver expects it)"
        | None -> Ok value.Text

    let headers lookup path node =
        node
        |> mapping
            None
            "of header names to values"
            (fun found ->
                found.Entries
                |> List.ofArray
                |> List.traverseValidationA (fun entry ->
                    let path = child path entry.Name

                    validation {
                        let! name = headerName path entry.Key entry.Name

                        and! value =
                            if isAbsent entry.Value then
                                Ok ""
                            else
                                readWith lookup headerValue path entry.Value

                        return name, value
                    }))
            path
