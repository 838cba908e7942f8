/// Every stage a rules file may name, in no particular order (the rules file gives the order).
public enum StageRegistry {
  public static let all: [StageSpec] = [
    NormalizeUnicode.spec,
    RepairApostrophes.spec,
    RepairCredits.spec,
    RemoveBoilerplate.spec,
    RemoveTandemRepeats.spec,
    RemoveRepeatedSentences.spec,
    RemoveNearDuplicates.spec,
    RestoreOrder.spec,
  ]

  public static func spec(_ id: String) -> StageSpec? { all.first { $0.id == id } }
}
