namespace CachetMonitor.Domain.ConfigReading

open System.Collections.Generic
open YamlDotNet.Core

[<AutoOpen>]
module internal YamlFrame =
    /// A list or mapping being read: what the screening counts, and the children read so far. Frames are reused
    /// from one collection to the next at the same depth, so their buffers are allocated once per depth.
    [<AllowNullLiteral>]
    type Frame() =
        member val IsMapping = false with get, set
        member val ExpectKey = true with get, set
        /// Nodes inside so far, this one included, aliases counted in full.
        member val Size = 0 with get, set
        /// The anchor the collection is named by ("": none).
        member val Anchor = "" with get, set
        member val Start = Mark.Empty with get, set
        /// A list's items, or a mapping's keys and values alternately.
        member val Children = List<YamlNode>()
        /// A mapping's keys' tags ("": none), one per key: YamlDotNet's model told keys apart by tag and text.
        member val KeyTags = List<string>()
        /// A large mapping's (tag, text) keys, for the repeated-key check (small ones are searched); `Indexed`:
        /// the set is in use (it holds every key checked so far).
        member val Seen = HashSet<struct (string * string)>()
        member val Indexed = false with get, set

        member this.Open(isMapping, anchor, start) =
            this.IsMapping <- isMapping
            this.ExpectKey <- true
            this.Size <- 1
            this.Anchor <- anchor
            this.Start <- start
            this.Children.Clear()
            this.KeyTags.Clear()

            if this.Indexed then
                this.Seen.Clear()
                this.Indexed <- false
